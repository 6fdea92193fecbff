"""Outbox -> messages. A delivery is recorded ('sending') before it is sent and marked 'sent'
after; a crash in between leaves it 'sending', and the next run sends it again under the same
key (Message-ID / X-Nianbao-Event-Id), so nothing is lost and a receiver can drop the repeat.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nianbao.errors import NianbaoError, ServiceUnavailable
from nianbao.settings import Settings

from . import render, webhook
from .chat import notify
from .links import manage_url
from .mail import alert_message, send, send_notice
from .models import Delivery, Outbox, Subscription

log = logging.getLogger(__name__)

MAX_FAILURES = 5  # consecutive failures before a webhook/chat subscription is paused
BACKOFF = timedelta(minutes=1)  # first retry delay; doubles per attempt
MAX_BACKOFF = timedelta(hours=6)
MAX_ITEMS = 100  # items per message; more become several digests


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    paused: int = 0
    items: int = 0


class Crash(BaseException):
    """Raised by the test hook to simulate a process killed mid-delivery."""


# Test hook: called between sending and recording; a test raises Crash from it.
after_send_hook = None


def _delivery_key(sub_id: int, outbox_ids: list[int]) -> str:
    return hashlib.sha256(f"{sub_id}:{','.join(map(str, outbox_ids))}".encode()).hexdigest()[:32]


def _send(settings: Settings, sub: Subscription, key: str, items: list[dict]) -> None:
    if sub.channel == "email":
        send(settings, alert_message(settings, sub, items, key))
    elif sub.channel == "webhook":
        webhook.post(sub.target, sub.secret or "", key, webhook.body(key, sub, items, manage_url(settings, sub.token)),
                     settings.user_agent, settings=settings)
    elif sub.channel == "chat":
        links = {"manage": manage_url(settings, sub.token), "unsubscribe": manage_url(settings, sub.token)}
        notify(sub.target, render.subject(items), render.render_text(items, links), settings)


def _attempt(session: Session, settings: Settings, sub: Subscription, d: Delivery, now: datetime, stats: DeliveryStats) -> None:
    rows = list(session.scalars(select(Outbox).where(Outbox.delivery_key == d.key).order_by(Outbox.id)))
    items = [render.item(r) for r in rows]
    d.attempts += 1
    try:
        _send(settings, sub, d.key, items)
    except ServiceUnavailable as exc:
        _failed(session, settings, sub, d, now, str(exc), stats)
        return
    except Exception as exc:  # a refused or malformed target, any bug: this delivery only
        log.warning("delivery %s of subscription %s failed: %r", d.key, sub.id, exc)
        reason = str(exc) if isinstance(exc, NianbaoError) else f"{type(exc).__name__}: {exc}"
        _failed(session, settings, sub, d, now, reason, stats)
        return
    if after_send_hook is not None:
        after_send_hook(sub, d)
    d.status, d.sent_at, d.error = "sent", now, None
    session.execute(update(Outbox).where(Outbox.delivery_key == d.key).values(status="sent", sent_at=now))
    sub.failures = 0
    session.commit()
    stats.sent += 1
    stats.items += len(items)


def _failed(session: Session, settings: Settings, sub: Subscription, d: Delivery, now: datetime,
            error: str, stats: DeliveryStats) -> None:
    d.status, d.error = "failed", error[:1000]
    d.next_attempt_at = now + min(BACKOFF * (2 ** (d.attempts - 1)), MAX_BACKOFF)
    stats.failed += 1
    if sub.channel in ("webhook", "chat"):  # our own SMTP being down is not the subscriber's fault
        sub.failures += 1
        if sub.failures >= MAX_FAILURES and sub.status == "active":
            sub.status = "paused"
            stats.paused += 1
            session.commit()
            try:
                send_notice(settings, sub, error)
            except ServiceUnavailable:
                pass  # the pause stands; the owner sees it on the manage page
    session.commit()


def _new_deliveries(session: Session, subs: list[Subscription], now: datetime) -> dict[int, list[Delivery]]:
    """Group the pending rows of `subs` into deliveries (≤ MAX_ITEMS rows each), all recorded
    'sending' in one commit before anything is sent."""
    ids: dict[int, list[int]] = {}
    wanted = [s.id for s in subs]
    for k in range(0, len(wanted), 500):
        for sub_id, row_id in session.execute(select(Outbox.subscription_id, Outbox.id).where(
                Outbox.subscription_id.in_(wanted[k:k + 500]), Outbox.status == "pending").order_by(Outbox.id)):
            ids.setdefault(sub_id, []).append(row_id)
    out: dict[int, list[Delivery]] = {}
    for sub_id, rows in ids.items():
        for i in range(0, len(rows), MAX_ITEMS):
            chunk = rows[i:i + MAX_ITEMS]
            d = Delivery(key=_delivery_key(sub_id, chunk), subscription_id=sub_id, status="sending",
                         attempts=0, created_at=now)
            session.add(d)
            session.execute(update(Outbox).where(Outbox.id.in_(chunk)).values(status="sending", delivery_key=d.key))
            out.setdefault(sub_id, []).append(d)
    session.commit()  # recorded before anything is sent
    return out


def _release(session: Session, unsent: list[Delivery]) -> None:
    for d in unsent:
        session.execute(update(Outbox).where(Outbox.delivery_key == d.key).values(status="pending", delivery_key=None))
        session.delete(d)
    session.commit()


def _mark_feed_rows(session: Session, now: datetime) -> None:
    """Feeds are read, not sent: their rows are delivered once written."""
    feed_ids = select(Subscription.id).where(Subscription.channel == "feed")
    session.execute(update(Outbox).where(Outbox.status == "pending", Outbox.subscription_id.in_(feed_ids))
                    .values(status="sent", sent_at=now))
    session.commit()


def deliver(session: Session, settings: Settings, now: datetime, *, daily: bool = False) -> DeliveryStats:
    """Send what is due: unfinished deliveries first, then pending rows as one message per
    subscription (a digest when there are several). `daily` sends the daily-digest subscriptions."""
    stats = DeliveryStats()
    _mark_feed_rows(session, now)
    mode = "daily" if daily else "immediate"
    subs = {s.id: s for s in session.scalars(select(Subscription).where(
        Subscription.status == "active", Subscription.mode == mode, Subscription.channel != "feed"))}
    retry = session.scalars(select(Delivery).where(
        Delivery.subscription_id.in_(list(subs)), Delivery.status.in_(("sending", "failed"))).order_by(Delivery.created_at))
    for d in list(retry):
        sub = subs[d.subscription_id]
        if sub.status == "active" and (d.status == "sending" or d.next_attempt_at is None or d.next_attempt_at <= now):
            _attempt(session, settings, sub, d, now, stats)
    pending = set(session.scalars(select(Outbox.subscription_id).where(Outbox.status == "pending").distinct()))
    held = set(session.scalars(select(Delivery.subscription_id).where(Delivery.status == "failed").distinct()))
    # a failed message goes first, when its backoff ends: its subscription waits
    due = [sub for sub in subs.values() if sub.id in pending and sub.id not in held and sub.status == "active"
           and not (daily and sub.last_digest_on == now.date())]
    for sub_id, batch in _new_deliveries(session, due, now).items():
        sub = subs[sub_id]
        for n, d in enumerate(batch):
            _attempt(session, settings, sub, d, now, stats)
            if sub.status != "active" or d.status != "sent":
                _release(session, batch[n + 1:])  # never sent: back in line behind the failed one
                break
    if daily:
        for sub in due:
            sub.last_digest_on = now.date()
        session.commit()
    return stats
