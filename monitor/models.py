"""The monitor's tables: subscriptions, events, the outbox and deliveries.

Exactly-once toward the subscriber rests on two unique keys: an event has one `key` (e.g.
"missing:t1:2024"), and an outbox row one `key` = subscription + event. A delivery (one message
carrying one or more outbox rows) is recorded as 'sending' *before* it is sent and keeps its key
as the Message-ID / X-Nianbao-Event-Id, so a crash between sending and recording resends the
same message, which the receiver can drop as a repeat; nothing is lost.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nianbao.db import Base


class Subscription(Base):
    __tablename__ = "monitor_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the secret management link
    kind: Mapped[str] = mapped_column(String(20), index=True)  # saved_search|region_compliance|findings|publisher
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(10))  # email|webhook|feed|chat
    target: Mapped[str] = mapped_column(String(1000), default="")  # address, URL, apprise URL
    contact_email: Mapped[str | None] = mapped_column(String(300), nullable=True)  # for notices
    secret: Mapped[str | None] = mapped_column(String(64), nullable=True)  # webhook HMAC key
    mode: Mapped[str] = mapped_column(String(10), default="immediate")  # immediate|daily
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending|active|paused|cancelled
    label: Mapped[str] = mapped_column(String(200), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive delivery failures
    created_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_digest_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Event(Base):
    __tablename__ = "monitor_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # missing|late|new|modified|removed
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    publisher_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    codes: Mapped[list] = mapped_column(JSON, default=list)  # finding codes carried
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # title, url, days_late, …
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Outbox(Base):
    __tablename__ = "monitor_outbox"
    # ix_outbox_pending: "which subscriptions have pending rows" reads only the pending part
    # of an outbox that keeps every sent row (revision 0002)
    __table_args__ = (Index("ix_outbox_sub_status", "subscription_id", "status"),
                      Index("ix_outbox_pending", "status", "subscription_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # "<subscription>:<event>"
    subscription_id: Mapped[int] = mapped_column(ForeignKey("monitor_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("monitor_events.id", ondelete="CASCADE"))
    quote: Mapped[dict] = mapped_column(JSON, default=dict)  # what triggered it, for this subscriber
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|sent|dropped
    delivery_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    event: Mapped[Event] = relationship(lazy="joined")


class Delivery(Base):
    """One message (single alert or digest) to one subscription."""

    __tablename__ = "monitor_deliveries"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # Message-ID / event id header
    subscription_id: Mapped[int] = mapped_column(ForeignKey("monitor_subscriptions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="sending", index=True)  # sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Cursor(Base):
    """Where the event sources were read up to (crawler queue, compliance runs)."""

    __tablename__ = "monitor_cursors"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(100))


class ComplianceRow(Base):
    """One publisher's compliance for one report year, computed outside the request path
    (`monitor.snapshot.refresh`) so the dashboard reads it with SQL instead of evaluating."""

    __tablename__ = "compliance_rows"
    # covering indexes: the drill-down GROUP BY, the most-urgent-first list, the chart
    __table_args__ = (Index("ix_compliance_region", "year", "province", "city", "county", "status",
                            "days_late", "published", "deadline"),
                      Index("ix_compliance_status", "year", "status", "days_late"),
                      Index("ix_compliance_published", "year", "published", "deadline"))

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    publisher_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    published: Mapped[str | None] = mapped_column(String(32), nullable=True)
    first_seen: Mapped[str | None] = mapped_column(String(32), nullable=True)
    days_late: Mapped[int | None] = mapped_column(Integer, nullable=True)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # the rest of the API row (url, …)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
