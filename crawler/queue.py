"""The durable queue of document events (new | modified | removed) for the indexer.

Rows are written by the crawler in the same transaction as the document/version they describe.
A consumer `claim`s a batch (a lease: a claim older than LEASE is handed out again, so an
indexer killed mid-batch loses nothing), then `ack`s or `fail`s each item. Each call commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from .models import Document, PublisherRow, QueueRow, Version

LEASE = timedelta(minutes=10)
_INSERT = insert(QueueRow.__table__)  # built once: the crawl enqueues once per report
MAX_ATTEMPTS = 5  # after this many failed attempts an item is parked (done_at set, error kept)


@dataclass
class QueueItem:
    id: int
    event: str  # new | modified | removed
    document_id: int
    version_id: int | None
    url: str
    publisher_id: str | None
    publisher_name: str | None
    title: str
    year: int | None
    published_shown: datetime | None
    first_seen: datetime
    last_seen: datetime
    status: str
    sha256: str | None  # the version's primary content, read with Archive.read
    content_type: str
    filename: str
    source_url: str
    fetched_at: datetime | None
    attempts: int


def _now() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


def enqueue(session: Session, document_id: int, version_id: int | None, event: str,
            fresh: bool = False) -> None:
    """Add an event in the caller's transaction (re-opens an identical earlier event).
    `fresh`: the version was just created, so no earlier event can exist. Core statements:
    no ORM objects for the crawler's hot path."""
    table = QueueRow.__table__
    values = {"document_id": document_id, "version_id": version_id, "event": event,
              "created_at": _now(), "attempts": 0}
    if fresh:
        session.connection().execute(_INSERT, [values])
        return
    same_version = (table.c.version_id.is_(None) if version_id is None
                    else table.c.version_id == version_id)
    found = session.execute(select(table.c.id).where(
        table.c.document_id == document_id, same_version, table.c.event == event)).scalar()
    if found is None:
        session.execute(insert(table), [values])
    else:
        session.execute(update(table).where(table.c.id == found).values(
            done_at=None, claimed_at=None, error=None, created_at=values["created_at"], attempts=0))


def pending_count(session: Session) -> int:
    return len(session.scalars(select(QueueRow.id).where(QueueRow.done_at.is_(None))).all())


def claim(session: Session, limit: int = 100) -> list[QueueItem]:
    """Lease up to `limit` pending events, oldest first."""
    now = datetime.utcnow()  # microseconds: the claim's own mark, read back below
    free = or_(QueueRow.claimed_at.is_(None), QueueRow.claimed_at < now - LEASE)
    ids = session.scalars(select(QueueRow.id).where(QueueRow.done_at.is_(None), free)
                          .order_by(QueueRow.id).limit(limit)).all()
    if not ids:
        session.commit()
        return []
    # The WHERE repeats the free condition: two consumers racing get disjoint sets.
    session.execute(update(QueueRow).where(QueueRow.id.in_(ids), QueueRow.done_at.is_(None), free)
                    .values(claimed_at=now, attempts=QueueRow.attempts + 1))
    session.commit()
    rows = session.execute(
        select(QueueRow, Document, Version, PublisherRow)
        .join(Document, Document.id == QueueRow.document_id)
        .outerjoin(Version, Version.id == QueueRow.version_id)
        .outerjoin(PublisherRow, PublisherRow.id == Document.publisher_id)
        .where(QueueRow.id.in_(ids), QueueRow.claimed_at == now)
        .order_by(QueueRow.id)).all()
    return [_item(q, d, v, p) for q, d, v, p in rows]


def _item(q: QueueRow, d: Document, v: Version | None, p: PublisherRow | None) -> QueueItem:
    return QueueItem(
        id=q.id, event=q.event, document_id=d.id, version_id=q.version_id, url=d.url,
        publisher_id=d.publisher_id, publisher_name=p.name if p else None, title=d.title,
        year=d.year, published_shown=d.published_shown, first_seen=d.first_seen,
        last_seen=d.last_seen, status=d.status, sha256=v.sha256 if v else d.current_sha256,
        content_type=v.content_type if v else "", filename=v.filename if v else "",
        source_url=v.source_url if v else d.url, fetched_at=v.fetched_at if v else None,
        attempts=q.attempts)


def ack(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(update(QueueRow).where(QueueRow.id.in_(ids)).values(done_at=_now(), error=None))
    session.commit()


def fail(session: Session, id: int, error: str) -> None:  # noqa: A002 (interface name)
    """Record a failure: the item is handed out again by the next claim, or parked (done,
    error kept) after MAX_ATTEMPTS."""
    row = session.get(QueueRow, id)
    if row is not None:
        row.error = error[:2000]
        row.claimed_at = None
        if row.attempts >= MAX_ATTEMPTS:
            row.done_at = _now()
    session.commit()



def release(session: Session, ids: list[int]) -> None:
    """Hand claimed items back without counting an attempt (the consumer could not work,
    e.g. Elasticsearch down: not the item's fault)."""
    if ids:
        session.execute(update(QueueRow).where(QueueRow.id.in_(ids), QueueRow.done_at.is_(None))
                        .values(claimed_at=None, attempts=QueueRow.attempts - 1))
    session.commit()
