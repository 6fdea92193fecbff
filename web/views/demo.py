"""Demo only (`nianbao demo`; registered when the app has config NIANBAO_DEMO): the local
mailbox that shows every mail the demo sent, and the world clock on the admin page."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from ..errors import BadRequest, Forbidden, NotFound
from ..findings import _pick
from ..respond import wants_json

bp = Blueprint("demo", __name__)
MAX_DAYS = 120
_URL = re.compile(r"https?://[^\s<>\"'）】]+")

TEXT: dict[str, tuple[str, str]] = {
    "mailbox": ("本地邮箱（演示）", "Local mailbox (demo)"),
    "intro": ("演示不会向外发送邮件：订阅确认和提醒邮件都送到这里。点击确认邮件中的链接即可确认订阅。",
              "The demo sends no mail outside: confirmation and alert mails all arrive here. "
              "Click the link in a confirmation mail to confirm the subscription."),
    "empty": ("还没有邮件。先去订阅提醒，选择电子邮件渠道。", "No mail yet. Subscribe to alerts by e-mail first."),
    "to": ("收件人", "To"), "subject": ("主题", "Subject"), "received": ("收到时间", "Received"),
    "clock": ("世界时钟（演示）", "World clock (demo)"),
    "clock_now": ("模拟世界的日期", "The simulated world's date"),
    "clock_auto": ("自动前进", "Moves by itself"),
    "clock_every": ("每 {tick} 秒前进 {days} 天", "{days} day(s) every {tick} s"),
    "clock_off": ("不自动前进", "does not move by itself"),
    "clock_last": ("上一次运行", "Last run"),
    "clock_running": ("正在抓取、索引和发送提醒…", "crawling, indexing and sending alerts…"),
    "advance": ("前进", "Advance"), "days": ("天数", "days"),
    "advance_help": ("时钟前进后立即抓取、索引并发送提醒：新报告、迟报、缺报和提醒随之出现。",
                     "After the clock moves, the crawl, indexing and alerts run at once: new reports, "
                     "late and missing ones and their alerts appear."),
    "advanced": ("世界时钟将前进 {days} 天，抓取和提醒随即运行。", "The world clock moves {days} day(s); "
                 "crawl and alerts follow."),
    "refresh": ("刷新", "Refresh"),
}


def demo_text(name: str, **kw: Any) -> str:
    return _pick(TEXT[name]).format(**kw)


def _mail() -> Any:
    return current_app.extensions["nianbao"].get("demo_mail")


def _clock() -> Any:
    return current_app.extensions["nianbao"].get("demo_clock")


@bp.app_context_processor
def _ctx() -> dict[str, Any]:
    clock = _clock()
    status = clock.status() if clock is not None else None
    return {"demo_mode": True, "demo_text": demo_text, "demo_clock": status,
            "demo_last": describe(status["last"]) if status and status["last"] else ""}


def linkify(text: str) -> Markup:
    """Escaped text with its http(s) links clickable (the mail's own links: confirm, manage)."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        out += [escape(text[pos:m.start()]),
                Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(m.group(0))]
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out).replace("\n", Markup("<br>\n"))


@bp.route("/demo/mailbox")
def mailbox() -> Any:
    mail = _mail()
    messages = mail.list() if mail is not None else []
    if wants_json() or request.args.get("format") == "json":
        return {"messages": messages}
    return render_template("demo_mailbox.html", messages=messages, linkify=linkify)


@bp.route("/demo/mailbox/<int:mid>")
def message(mid: int) -> Any:
    mail = _mail()
    msg = mail.get(mid) if mail is not None else None
    if msg is None:
        raise NotFound("没有这封邮件 / no such message")
    if wants_json() or request.args.get("format") == "json":
        return msg
    return render_template("demo_mailbox.html", messages=[msg], linkify=linkify, single=True)


@bp.route("/demo/clock", methods=["POST"])
def advance() -> Response:
    if session.get("role") != "admin":
        raise Forbidden("仅限管理员 / administrators only")
    clock = _clock()
    if clock is None:
        raise NotFound("没有演示时钟 / no demo clock")
    try:
        days = int(request.form.get("days") or 0)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"天数应为 1–{MAX_DAYS} / days must be 1–{MAX_DAYS}")
    clock.advance(days)
    flash(demo_text("advanced", days=days))
    return redirect(url_for("admin.index") + "#demo-clock")


def describe(r: dict[str, Any]) -> str:
    """One line about a tick of the demo clock (its result dict), for the page and the console."""
    if r.get("error"):
        return f"[演示时钟 demo clock {r['date']}] 出错 error: {r['error']}"
    parts = [f"[演示时钟 demo clock {r['date']}]"]
    if r.get("moved"):
        parts.append(f"前进 {r['moved']} 天 moved {r['moved']} day(s)")
    if "new" in r:
        parts.append(f"新报告 new {r['new']}, 修改 changed {r.get('changed', 0)}, "
                     f"撤下 removed {r.get('removed', 0)}")
    parts.append(f"事件 events {r.get('events', 0)}, 提醒已发送 alerts sent {r.get('sent', 0)}")
    return " · ".join(parts)
