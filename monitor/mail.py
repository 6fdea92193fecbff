"""E-mail over SMTP: confirmation (double opt-in), alerts and digests, notices.

Every alert mail carries List-Unsubscribe + List-Unsubscribe-Post (RFC 8058 one-click) and a
Message-ID derived from the delivery key, so a resend after a crash is recognisably the same mail.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from nianbao.errors import ServiceUnavailable
from nianbao.settings import Settings

from . import render
from .links import confirm_url, manage_url, unsubscribe_url
from .models import Subscription


def _domain(settings: Settings) -> str:
    addr = parseaddr(settings.smtp_from)[1]
    return addr.split("@", 1)[1] if "@" in addr else "nianbao.local"


def message_id(settings: Settings, key: str) -> str:
    return f"<{key}@{_domain(settings)}>"


def _message(settings: Settings, to: str, subject: str, text: str, html: str | None, key: str | None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.smtp_from, to, subject
    msg["Date"] = formatdate(localtime=True)
    if key:
        msg["Message-ID"] = message_id(settings, key)
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def alert_message(settings: Settings, sub: Subscription, items: list[dict], key: str) -> EmailMessage:
    links = {"manage": manage_url(settings, sub.token), "unsubscribe": unsubscribe_url(settings, sub.token)}
    msg = _message(settings, sub.target, render.subject(items), render.render_text(items, links),
                   render.render_html(items, links), key)
    msg["List-Unsubscribe"] = f"<{links['unsubscribe']}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["X-Nianbao-Event-Id"] = key
    return msg


def send(settings: Settings, msg: EmailMessage) -> None:
    """Hand one message to the SMTP server; any failure is ServiceUnavailable (retry later)."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_user:
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise ServiceUnavailable(f"邮件服务器不可用 / SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc


def send_confirmation(settings: Settings, sub: Subscription) -> None:
    ctx = {"label": sub.label or _describe(sub), "confirm": confirm_url(settings, sub.token),
           "manage": manage_url(settings, sub.token)}
    send(settings, _message(settings, sub.target, "【年报监察】请确认您的订阅",
                            render.render_page("confirm.txt", **ctx),
                            render.render_page("confirm.html", **ctx), f"confirm-{sub.id}-{sub.token[:8]}"))


def send_notice(settings: Settings, sub: Subscription, error: str) -> None:
    """Tell the owner of a webhook/chat subscription that it was paused."""
    if not sub.contact_email:
        return
    text = render.render_page("notice.txt", target=sub.target, failures=sub.failures, error=error,
                              manage=manage_url(settings, sub.token))
    send(settings, _message(settings, sub.contact_email, "【年报监察】订阅投递失败，已暂停", text, None, None))


def _describe(sub: Subscription) -> str:
    p = sub.params or {}
    region = "".join(p.get(k, "") for k in ("province", "city", "county"))
    what = {"saved_search": f"检索“{p.get('q', '')}”", "region_compliance": "按期发布情况",
            "findings": f"问题 {','.join(p.get('codes', []))}", "publisher": f"单位 {p.get('publisher_id', '')}"}
    return f"{region}{what.get(sub.kind, sub.kind)}"
