"""Subscriptions managed through a secret token link (no accounts, no passwords).

The portal calls `create`, `confirm`, `update`, `cancel`, `get`, `list_events` and the URL
helpers; e-mail subscriptions start 'pending' and become 'active' through the confirm link
(double opt-in); every other channel is active at once.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.models import PublisherRow
from indexer.query import parse_query
from nianbao import clock, outbound
from nianbao.errors import NianbaoError, ServiceUnavailable, UsageError
from nianbao.settings import Settings

from .chat import UnsupportedChatUrl, check_url
from .links import feed_url, manage_url, unsubscribe_url
from .mail import send_confirmation as mail_confirmation
from .models import Outbox, Subscription
from .render import item

KINDS = ("saved_search", "region_compliance", "findings", "publisher")
CHANNELS = ("email", "webhook", "feed", "chat")
MODES = ("immediate", "daily")
KNOWN_CODES = (
    "T3_BALANCE", "T3_ROW_SUM", "T3_RESULTS_SUM", "T4_SUM", "BLANK_CELL", "NARRATIVE_MISMATCH",
    "MISSING_SECTION", "MISSING_TABLE", "YEAR_MISMATCH", "OLD_TEMPLATE", "TEMPLATE_LEFTOVER",
    "ZERO_REPORT", "DUPLICATE_TEXT", "LATE", "MISSING", "MODIFIED", "REMOVED", "YEAR_CONTINUITY",
    "BACKDATED", "DATE_CONFLICT", "FIGURE_JUMP",
)
REGION_KEYS = ("province", "city", "county")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


class SubscriptionError(UsageError):
    """Bad subscription input: one line saying what to fix."""


class SubscriptionNotFound(NianbaoError):
    """No subscription for this token (or it was cancelled)."""


class MailUnavailable(ServiceUnavailable):
    """The confirmation mail could not be sent: the subscription was not kept."""


# ---- validation ----------------------------------------------------------------------------

def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SubscriptionError(f"参数 {key} 应为文字 / {key} must be a string")
    return value.strip()


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SubscriptionError(f"年度应为整数 / year must be an integer: {str(value)[:40]!r}")
    try:
        year = int(value)
    except ValueError:
        raise SubscriptionError(f"年度应为数字 / year must be a number: {value!r}") from None
    if not 1990 <= year <= 2200:
        raise SubscriptionError(f"年度超出范围 / year out of range: {str(value)[:40]}")
    return year


def _clean_params(kind: str, params: dict[str, Any], session: Session | None = None) -> dict[str, Any]:
    """Checked parameters. With a `session`, the region and the publisher must be in the
    publisher registry (a typo would otherwise be a subscription that never fires)."""
    if not isinstance(params, dict):
        raise SubscriptionError("订阅参数应为对象 / params must be an object")
    out: dict[str, Any] = {k: _text(params, k) for k in REGION_KEYS if _text(params, k)}
    if kind == "region_compliance" and not out:
        raise SubscriptionError("地区合规订阅需要填写省、市或县区 / a region subscription needs a "
                                "province, city or county")
    if params.get("year") not in (None, ""):
        out["year"] = _year(params["year"])
    if kind == "saved_search":
        q = _text(params, "q")
        if not q:
            raise SubscriptionError("保存的检索需要检索式 / a saved search needs a query (q)")
        _check_query(q)
        out["q"] = q
    elif kind == "findings":
        codes = params.get("codes") or []
        codes = codes.split(",") if isinstance(codes, str) else codes
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise SubscriptionError("问题代码应为文字列表 / codes must be a list of strings")
        codes = [c.strip().upper() for c in codes if c.strip()]
        unknown = [c for c in codes if c not in KNOWN_CODES]
        if not codes or unknown:
            raise SubscriptionError(f"问题代码无效 / unknown or no finding codes: {','.join(unknown) or '(none)'}")
        out["codes"] = codes
    elif kind == "publisher":
        pid = _text(params, "publisher_id")
        if not pid:
            raise SubscriptionError("需要单位编号 / a publisher subscription needs publisher_id")
        out["publisher_id"] = pid
    if session is not None:
        _check_registry(session, out)
    return out


_REGION_NAMES = {"province": ("省", "province"), "city": ("市", "city"), "county": ("县区", "county")}


def _check_registry(session: Session, params: dict[str, Any]) -> None:
    """The publisher id and the region (together) must exist in the publisher registry (as the
    crawler last synced it; before the first crawl the table is empty and nothing is refused)."""
    if session.scalar(select(PublisherRow.id).limit(1)) is None:
        return
    pid = params.get("publisher_id")
    if pid and session.get(PublisherRow, pid) is None:
        raise SubscriptionError(f"没有编号为 {pid!r} 的单位，请在单位页面复制编号 / no publisher with id "
                                f"{pid!r} (copy the id from the publisher's page)")
    region = {k: params[k] for k in REGION_KEYS if params.get(k)}
    if not region:
        return
    q = select(PublisherRow.id)
    for k, v in region.items():
        q = q.where(getattr(PublisherRow, k) == v)
    if session.scalar(q.limit(1)) is not None:
        return
    # Name the part that is unknown on its own, else the combination.
    for k, v in region.items():
        if session.scalar(select(PublisherRow.id).where(getattr(PublisherRow, k) == v).limit(1)) is None:
            zh, en = _REGION_NAMES[k]
            raise SubscriptionError(f"没有这个{zh}：{v}（请用合规看板上的名称）/ unknown {en} {v!r} "
                                    f"(use the name shown on the compliance dashboard)")
    raise SubscriptionError(f"所填的省、市、县区不相属：{''.join(region.values())} / the province, city and county do not "
                            f"belong together: {' / '.join(region.values())}")


def _check_query(q: str) -> None:
    try:
        parse_query(q)
    except NianbaoError as exc:
        raise SubscriptionError(f"检索式有误 / bad query: {exc}") from exc


def _length(column: str) -> int:
    return int(Subscription.__table__.c[column].type.length)  # type: ignore[attr-defined]


def _check_target(channel: str, target: str, settings: Settings | None = None) -> str:
    """The delivery address: an e-mail address, or a URL the outbound policy accepts
    (`nianbao.outbound`: public addresses only, unless allowed by `outbound_allow`)."""
    if not isinstance(target, str):
        raise SubscriptionError("地址应为文字 / target must be a string")
    target = target.strip()
    # The column's length (PostgreSQL enforces it; an e-mail target is also the contact address).
    limit = _length("contact_email") if channel == "email" else _length("target")
    if len(target) > limit:
        raise SubscriptionError(f"地址过长（最多 {limit} 个字符）/ target too long (at most {limit} characters)")
    if channel == "email":
        if not _EMAIL.match(target):
            raise SubscriptionError(f"邮箱地址无效 / invalid e-mail address: {target!r}")
    elif channel == "webhook":
        try:
            outbound.check_url(target, settings)
        except outbound.OutboundRefused as exc:
            raise SubscriptionError(f"Webhook 地址不可用 / webhook URL refused: {exc}") from None
    elif channel == "chat":
        try:
            check_url(target, settings)
        except UnsupportedChatUrl as exc:
            raise SubscriptionError(str(exc)) from None
        except outbound.OutboundRefused as exc:
            raise SubscriptionError(f"机器人地址不可用 / chat URL refused: {exc}") from None
    else:
        target = ""
    return target


# ---- life cycle ----------------------------------------------------------------------------

def create(session: Session, settings: Settings, *, kind: str, channel: str, target: str = "",
           params: dict[str, Any] | None = None, mode: str = "immediate",
           contact_email: str | None = None, label: str = "", now: datetime | None = None,
           send_confirmation: bool = True) -> Subscription:
    """Create a subscription; e-mail ones get a confirmation mail and stay pending until then."""
    if kind not in KINDS:
        raise SubscriptionError(f"未知订阅类型 / unknown kind {kind!r} ({', '.join(KINDS)})")
    if channel not in CHANNELS:
        raise SubscriptionError(f"未知渠道 / unknown channel {channel!r} ({', '.join(CHANNELS)})")
    if mode not in MODES:
        raise SubscriptionError(f"未知发送方式 / unknown mode {mode!r} ({', '.join(MODES)})")
    contact_email = _check_contact(contact_email)
    sub = Subscription(
        token=secrets.token_urlsafe(24), kind=kind, params=_clean_params(kind, params or {}, session),
        channel=channel, target=_check_target(channel, target, settings), mode=mode,
        contact_email=contact_email or (target if channel == "email" else None),
        secret=secrets.token_hex(32) if channel == "webhook" else None, label=label[:200],
        status="pending" if channel == "email" else "active", failures=0,
        created_at=now or clock.system_now(),
    )
    session.add(sub)
    session.commit()
    if channel == "email" and send_confirmation:
        try:
            mail_confirmation(settings, sub)
        except ServiceUnavailable as exc:
            # No confirmation mail, no subscription: nobody could ever confirm it.
            session.delete(sub)
            session.commit()
            raise MailUnavailable(
                "确认邮件暂时无法发送，订阅未创建，请稍后再试或改用其他渠道 / the confirmation "
                f"mail could not be sent, so the subscription was not created; try again later "
                f"or pick another channel ({exc})") from None
    return sub


def get(session: Session, token: str, *, include_cancelled: bool = False) -> Subscription:
    sub = session.scalar(select(Subscription).where(Subscription.token == token)) if token else None
    if sub is None or (sub.status == "cancelled" and not include_cancelled):
        raise SubscriptionNotFound("订阅不存在或已取消 / no such subscription")
    return sub


def confirm(session: Session, token: str, now: datetime | None = None) -> Subscription:
    sub = get(session, token)
    if sub.status == "pending":
        sub.status, sub.confirmed_at = "active", now or clock.system_now()
        session.commit()
    return sub


def _check_contact(contact_email: object) -> str | None:
    """A contact address for notices (paused, failing): empty, or a plausible e-mail that fits."""
    if contact_email is None or contact_email == "":
        return None
    if (not isinstance(contact_email, str) or len(contact_email) > _length("contact_email")
            or not _EMAIL.match(contact_email)):
        raise SubscriptionError(f"邮箱地址无效 / invalid e-mail address: {contact_email!r}")
    return contact_email


def update(session: Session, token: str, settings: Settings | None = None, **changes: Any) -> Subscription:
    """Change params, mode, label or target; a paused subscription can be resumed (status=active).
    `settings` carries the outbound policy's allow-list for a new target."""
    sub = get(session, token)
    allowed = {"params", "mode", "label", "target", "status", "contact_email"}
    bad = set(changes) - allowed
    if bad:
        raise SubscriptionError(f"不能修改 / cannot change: {', '.join(sorted(bad))}")
    if "params" in changes:
        sub.params = _clean_params(sub.kind, changes["params"] or {}, session)
    if "mode" in changes:
        if changes["mode"] not in MODES:
            raise SubscriptionError(f"未知发送方式 / unknown mode {changes['mode']!r}")
        sub.mode = changes["mode"]
    if "label" in changes:
        if not isinstance(changes["label"] or "", str):
            raise SubscriptionError("名称应为文字 / label must be a string")
        sub.label = (changes["label"] or "")[:200]
    if "target" in changes and sub.channel != "email":  # a new address would skip the opt-in
        sub.target = _check_target(sub.channel, changes["target"], settings)
    if "contact_email" in changes and sub.channel != "email":  # an e-mail's contact is its target
        sub.contact_email = _check_contact(changes["contact_email"])
    if changes.get("status") == "active" and sub.status == "paused":
        sub.status, sub.failures = "active", 0
    elif "status" in changes and changes["status"] not in (sub.status, "active"):
        raise SubscriptionError("只能恢复已暂停的订阅 / only a paused subscription can be resumed")
    session.commit()
    return sub


def cancel(session: Session, token: str, now: datetime | None = None) -> Subscription:
    """Unsubscribe (idempotent: a second click on the link is not an error)."""
    sub = get(session, token, include_cancelled=True)
    if sub.status != "cancelled":
        sub.status, sub.cancelled_at = "cancelled", now or clock.system_now()
        session.commit()
    return sub


def list_events(session: Session, token: str, limit: int = 50) -> list[dict]:
    """The alerts this subscription received (or will), newest first."""
    sub = get(session, token, include_cancelled=True)
    rows = session.scalars(select(Outbox).where(Outbox.subscription_id == sub.id)
                           .order_by(Outbox.id.desc()).limit(limit))
    return [item(r) | {"status": r.status, "created_at": r.created_at.isoformat(timespec="seconds")}
            for r in rows]


def to_dict(sub: Subscription, settings: Settings) -> dict:
    """The public view of a subscription (for the manage page and /api/subscriptions)."""
    return {
        "token": sub.token, "kind": sub.kind, "params": sub.params, "channel": sub.channel,
        "target": sub.target, "mode": sub.mode, "status": sub.status, "label": sub.label,
        "secret": sub.secret, "created_at": sub.created_at.isoformat(timespec="seconds"),
        "manage_url": manage_url(settings, sub.token), "feed_url": feed_url(settings, sub.token),
        "unsubscribe_url": unsubscribe_url(settings, sub.token),
    }

