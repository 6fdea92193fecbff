"""Atom feed per subscription (served by the portal at /feeds/<token>.atom; no account)."""

from __future__ import annotations

from datetime import datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.settings import Settings, get_settings

from .links import feed_url, manage_url
from .models import Outbox
from .render import HL_POST, HL_PRE, item
from .subscriptions import get

ATOM = "http://www.w3.org/2005/Atom"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", **attrs)
    if text is not None:
        el.text = text
    return el


def _content(it: dict) -> str:
    lines = [it["summary"]]
    for h in it["quote"].get("highlights", []):
        lines.append("…" + h.replace(HL_PRE, "【").replace(HL_POST, "】") + "…")
    for f in it["quote"].get("findings", []):
        lines.append(f"[{f.get('code')}] {f.get('message')}")
    return "\n".join(lines)


def rfc3339(when: datetime, tz_name: str = clock.DEFAULT_ZONE) -> str:
    """An alert table time (naive: the server's own clock, `clock.system_now()`) as RFC 3339 in the
    configured zone, with the offset that zone really has (not a fixed +08:00 on any clock)."""
    aware = when.astimezone() if when.tzinfo is None else when
    return aware.astimezone(clock.zone(tz_name)).isoformat(timespec="seconds")


def atom(session: Session, token: str, settings: Settings | None = None, limit: int = 100) -> bytes:
    """The subscription's alerts as Atom 1.0 (newest first). Unknown token: SubscriptionNotFound."""
    if settings is None:
        settings = get_settings()
    sub = get(session, token, include_cancelled=True)
    rows = list(session.scalars(select(Outbox).where(Outbox.subscription_id == sub.id)
                                .order_by(Outbox.id.desc()).limit(limit)))
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _el(feed, "title", f"年报监察 · {sub.label or sub.kind}")
    _el(feed, "id", f"urn:nianbao:subscription:{sub.id}")
    _el(feed, "link", href=feed_url(settings, token), rel="self")
    _el(feed, "link", href=manage_url(settings, token), rel="alternate")
    tz = settings.timezone
    updated = rfc3339(rows[0].created_at if rows else sub.created_at, tz)
    _el(feed, "updated", updated)
    _el(_el(feed, "author"), "name", "年报监察 Nianbao Watch")
    for r in rows:
        it = item(r)
        entry = _el(feed, "entry")
        _el(entry, "title", f"[{it['kind_label']}] {it['summary']}")
        _el(entry, "id", f"urn:nianbao:event:{r.event_id}")
        _el(entry, "updated", rfc3339(r.created_at, tz))
        if it["url"]:
            _el(entry, "link", href=it["url"])
        _el(entry, "content", _content(it), type="text")
        for code in it["codes"]:
            _el(entry, "category", term=code)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
