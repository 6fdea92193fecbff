"""Event sources: compliance (missing / late as deadlines pass) and the crawler's queue
(new / modified / removed, once the indexer has handled them, enriched from Elasticsearch).

Events are stored once per key; re-reading a source is harmless, so the cursors may overlap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.models import Document, PublisherRow, QueueRow, Version
from indexer.store import doc_id

from .compliance import evaluate
from .crossreport import findings_for
from .deadlines import DeadlineRules
from .models import Cursor, Event

log = logging.getLogger(__name__)
QUEUE_CURSOR = "queue_done_at"
CROSS_CODES = ("DUPLICATE_TEXT", "FIGURE_JUMP", "YEAR_CONTINUITY")
OVERLAP = timedelta(minutes=5)  # re-read a little: rows finished in the same second are not lost


@dataclass
class DocEvent:
    """A new/modified document event with what ES knows about it (for matching)."""

    event: Event
    es_id: str | None = None
    findings: list[dict] = field(default_factory=list)
    cross: list[dict] = field(default_factory=list)  # the cross-report findings among `findings`


def insert_events(session: Session, rows: list[dict[str, Any]], now: datetime) -> list[Event]:
    """Insert the events whose key is new; returns only those (idempotent)."""
    if not rows:
        return []
    keys = [r["key"] for r in rows]
    known: set[str] = set()
    for i in range(0, len(keys), 500):
        known |= set(session.scalars(select(Event.key).where(Event.key.in_(keys[i:i + 500]))))
    fresh = []
    for r in rows:
        if r["key"] in known:
            continue
        known.add(r["key"])
        ev = Event(created_at=now, **r)
        session.add(ev)
        fresh.append(ev)
    session.flush()
    return fresh


def compliance_rows(report: dict) -> list[dict[str, Any]]:
    """missing/late rows of a compliance report -> event rows."""
    out = []
    for p in report["publishers"]:
        if p["status"] not in ("missing", "late"):
            continue
        payload = {k: p.get(k) for k in ("name", "deadline", "published", "first_seen", "days_late", "url")}
        payload["year"] = report["year"]
        payload["evidence"] = p.get("evidence", {}).get("last_crawl") if p["status"] == "missing" else None
        out.append({"key": f"{p['status']}:{p['id']}:{report['year']}", "kind": p["status"],
                    "year": report["year"], "publisher_id": p["id"], "province": p["province"],
                    "city": p["city"], "county": p["county"], "codes": [p["status"].upper()],
                    "payload": payload})
    return out


def compliance_events(session: Session, today: date, now: datetime, grace_days: int, rules: DeadlineRules | None = None,
                      reports: dict[int, dict] | None = None) -> list[Event]:
    """Missing and late events for the report year whose deadlines fall in `today`'s year.
    The evaluation is left in `reports[year]` for the write-back of findings."""
    report = evaluate(session, today.year - 1, today, grace_days=grace_days, rules=rules)
    if reports is not None and rules is None:
        reports[report["year"]] = report
    return insert_events(session, compliance_rows(report), now)


def _cursor(session: Session, name: str) -> str | None:
    row = session.get(Cursor, name)
    return row.value if row else None


def _set_cursor(session: Session, name: str, value: str) -> None:
    row = session.get(Cursor, name)
    if row is None:
        session.add(Cursor(name=name, value=value))
    else:
        row.value = value


def _es_docs(es: Elasticsearch | None, prefix: str, ids: list[str]) -> dict[str, dict]:
    if es is None or not ids:
        return {}
    # the indexer may have just written: make its batch searchable
    es.indices.refresh(index=f"{prefix}-reports", ignore_unavailable=True)
    res = es.mget(index=f"{prefix}-reports", ids=ids,
                  source_includes=["id", "title", "organ", "finding_codes", "findings", "province",
                                   "city", "county", "year", "url"])
    return {d["_id"]: d["_source"] for d in res["docs"] if d.get("found")}


def queue_events(session: Session, now: datetime, es: Elasticsearch | None = None, prefix: str | None = None) -> list[DocEvent]:
    """Document events the indexer has finished (done_at set), since the cursor."""
    since = _cursor(session, QUEUE_CURSOR)
    q = (select(QueueRow, Document, PublisherRow, Version.seq)
         .join(Document, Document.id == QueueRow.document_id)
         .outerjoin(PublisherRow, PublisherRow.id == Document.publisher_id)
         .outerjoin(Version, Version.id == QueueRow.version_id)
         .where(QueueRow.done_at.is_not(None)).order_by(QueueRow.done_at, QueueRow.id))
    if since:
        q = q.where(QueueRow.done_at >= datetime.fromisoformat(since) - OVERLAP)
    rows = session.execute(q).all()
    if not rows:
        return []
    ids = {r.QueueRow.id: doc_id(r.Document.publisher_id, r.Document.year, r.Document.url) for r in rows}
    docs = _es_docs(es, prefix, sorted(set(ids.values()))) if prefix else {}
    cross = _cross(es, prefix, sorted({ids[r.QueueRow.id] for r in rows if r.QueueRow.event != "removed"} & set(docs)))
    out_rows, meta = [], {}
    for r in rows:
        qr, doc, pub = r.QueueRow, r.Document, r.PublisherRow
        es_doc = docs.get(ids[qr.id], {})
        codes = {"modified": ["MODIFIED"], "removed": ["REMOVED"]}.get(qr.event, [])
        if qr.event != "removed":
            extra = cross.get(ids[qr.id], [])
            codes += sorted({c for c in es_doc.get("finding_codes") or []} | {f["code"] for f in extra} - set(codes))
        else:
            extra = []
        key = f"{qr.event}:{doc.id}:{qr.version_id or 0}"
        own = CROSS_CODES if qr.event != "removed" else ()  # fresh: drop an older write-back's
        mine = [f for f in es_doc.get("findings") or [] if f.get("code") not in own]
        meta[key] = (ids[qr.id] if es_doc else None, mine + extra, extra)
        out_rows.append({
            "key": key, "kind": qr.event, "year": doc.year, "publisher_id": doc.publisher_id,
            "document_id": doc.id, "province": pub.province if pub else es_doc.get("province") or "",
            "city": pub.city if pub else es_doc.get("city") or "",
            "county": pub.county if pub else es_doc.get("county") or "", "codes": codes,
            "payload": {"title": doc.title or es_doc.get("title"), "url": doc.url, "year": doc.year,
                        "name": pub.name if pub else doc.organ, "version": r.seq,
                        "es_id": ids[qr.id] if es_doc else None}})
    fresh = insert_events(session, out_rows, now)
    _set_cursor(session, QUEUE_CURSOR, max(r.QueueRow.done_at for r in rows).isoformat())
    return [DocEvent(ev, *meta[ev.key]) for ev in fresh]


def _cross(es: Elasticsearch | None, prefix: str | None, ids: list[str]) -> dict[str, list[dict]]:
    """Cross-report findings (DUPLICATE_TEXT, FIGURE_JUMP, YEAR_CONTINUITY) of new documents."""
    if es is None or not prefix or not ids:
        return {}
    try:
        return findings_for(es, prefix, ids)
    except Exception as exc:  # a comparison failing must not hold back the alert itself
        log.warning("cross-report findings failed: %s", exc)
        return {}
