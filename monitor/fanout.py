"""Events -> subscriptions -> outbox rows (one per subscription and event, by unique key).

Saved searches run against only the newly indexed documents, many queries per ES request
(named clauses), each distinct query once however many subscribers share it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy import Insert, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from indexer.highlight import pattern
from indexer.query import parse_query

from .events import DocEvent
from .models import Event, Outbox, Subscription
from .render import HL_POST, HL_PRE, summary

QUERY_BATCH = 500  # named clauses per request (well under ES's clause limit)
FRAGMENT, MAX_FRAGMENTS, _BREAKS = 120, 3, "。！？；\n"
REGION_KEYS = ("province", "city", "county")


def quote_fragments(text: str, rx: re.Pattern[str] | None) -> list[str]:
    """Up to 3 fragments around the first matches, plain text with the render's markers.
    Built in Python like the search page's (indexer.highlight, same match rule), but scanning
    only as far as the third fragment: ES's highlighter on every hit was most of a run."""
    if rx is None or not text:
        return []
    windows: list[list] = []  # [lo, hi, spans]
    for m in rx.finditer(text):
        s, e = m.span()
        if windows and s < windows[-1][1]:
            if e <= windows[-1][1]:
                windows[-1][2].append((s, e))
            continue
        if len(windows) == MAX_FRAGMENTS:
            break
        back = max(0, s - 40)
        cut = max(text.rfind(b, back, s) for b in _BREAKS)
        lo = cut + 1 if cut >= 0 else max(0, s - 20)
        windows.append([lo, max(min(len(text), lo + FRAGMENT), e), [(s, e)]])
    out = []
    for lo, hi, spans in windows:
        parts, pos = [], lo
        for s, e in spans:
            parts += [text[pos:s], HL_PRE, text[s:e], HL_POST]
            pos = e
        parts.append(text[pos:hi])
        out.append("".join(parts).strip())
    return out


def _texts(es: Elasticsearch, prefix: str, ids: list[str]) -> dict[str, str]:
    res = es.mget(index=f"{prefix}-reports", ids=ids, source_includes=["text_norm"])
    return {d["_id"]: d["_source"].get("text_norm") or "" for d in res["docs"] if d.get("found")}


def saved_search_matches(es: Elasticsearch | None, prefix: str, queries: Iterable[str], ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """{query: {es_id: [highlighted fragments]}} for the queries matching any of `ids`.
    Many queries per request, each a named clause: a hit's `matched_queries` tells which
    matched (thousands of small searches cost far more than a few wide ones)."""
    queries = sorted(set(queries))
    out: dict[str, dict[str, list[str]]] = {}
    if not ids or not queries or es is None:
        return out
    texts: dict[str, str] | None = None
    for i in range(0, len(queries), QUERY_BATCH):
        batch: list[tuple[str, re.Pattern[str] | None]] = []
        clauses: list[dict[str, Any]] = []
        for q in queries[i:i + QUERY_BATCH]:
            try:
                parsed = parse_query(q)
            except Exception:  # validated on create; a parser change must not stop the others
                continue
            clauses.append({"bool": {"filter": [parsed.to_es()], "_name": str(len(batch))}})
            batch.append((q, pattern(parsed.text_terms())))
        if not clauses:
            continue
        body = {"bool": {"filter": [{"ids": {"values": ids}}], "should": clauses, "minimum_should_match": 1}}
        hits = es.search(index=f"{prefix}-reports", query=body, size=len(ids), source=False,
                         track_total_hits=False)["hits"]["hits"]
        for h in hits:
            texts = texts if texts is not None else _texts(es, prefix, ids)
            for name in h.get("matched_queries") or []:
                q, rx = batch[int(name)]
                out.setdefault(q, {})[h["_id"]] = quote_fragments(texts.get(h["_id"], ""), rx)
    return out


def _region_ok(params: dict, ev: Event) -> bool:
    return all(not params.get(k) or params[k] == getattr(ev, k) for k in REGION_KEYS)


def _year_ok(params: dict, ev: Event) -> bool:
    return not params.get("year") or params["year"] == ev.year


def _deadline_quote(ev: Event) -> dict:
    p = ev.payload
    return {k: p.get(k) for k in ("days_late", "deadline", "published") if p.get(k) is not None}


def quote_for(sub: Subscription, de: DocEvent | None, ev: Event, matches: dict,
              cache: dict | None = None) -> dict | None:
    """What this subscription should see of the event, or None when it does not match."""
    params = sub.params or {}
    if not (_region_ok(params, ev) and _year_ok(params, ev)):
        return None
    kind = sub.kind
    if kind == "region_compliance":
        return _deadline_quote(ev) if ev.kind in ("missing", "late") else None
    if kind == "publisher":
        if ev.publisher_id != params.get("publisher_id"):
            return None
        return _deadline_quote(ev)
    if kind == "findings":
        codes = set(params.get("codes") or []) & set(ev.codes or [])
        if not codes:
            return None
        found = [f for f in (de.findings if de else []) if f.get("code") in codes]
        have = {f.get("code") for f in found}
        for code in sorted(codes - have):  # event-level codes: MODIFIED, REMOVED, LATE, MISSING
            found.append({"code": code, "message": _code_message(code, ev)})
        return {"findings": [{k: f.get(k) for k in ("code", "severity", "message", "cells")} for f in found],
                **_deadline_quote(ev)}
    if kind == "saved_search":
        if ev.kind not in ("new", "modified") or de is None or de.es_id is None:
            return None
        hit = matches.get(params.get("q", ""), {}).get(de.es_id)
        return None if hit is None else _search_quote(params["q"], de.es_id, hit, cache)
    return None


def _search_quote(q: str, es_id: str, hit: list[str], cache: dict | None) -> dict:
    """One quote object per query and document, shared by its subscribers (encoded once)."""
    if cache is None:
        return {"q": q, "highlights": hit}
    if (q, es_id) not in cache:
        cache[(q, es_id)] = {"q": q, "highlights": hit}
    return cache[(q, es_id)]


def _code_message(code: str, ev: Event) -> str:
    return summary(ev.kind, ev.payload) if code in ("LATE", "MISSING") else {
        "MODIFIED": "报告发布后被修改", "REMOVED": "报告发布后被撤下"}.get(code, code)


def fan_out(session: Session, es: Elasticsearch | None, prefix: str | None, events: list[Event], doc_events: list[DocEvent],
            now: datetime) -> int:
    """Create the outbox rows for fresh events; returns how many were new."""
    all_events = [(None, ev) for ev in events] + [(de, de.event) for de in doc_events]
    if not all_events:
        return 0
    subs = list(session.scalars(select(Subscription).where(Subscription.status.in_(("active", "paused")))))
    index = _SubIndex(subs)
    ids = sorted({de.es_id for de in doc_events if de.es_id and de.event.kind in ("new", "modified")})
    matches = saved_search_matches(es, prefix or "", index.queries, ids) if index.queries and ids else {}
    by_doc: dict[str, list[str]] = defaultdict(list)  # es id -> matching queries
    for q, hits in matches.items():
        for es_id in hits:
            by_doc[es_id].append(q)
    rows: list[dict] = []
    quotes: dict = {}
    for de, ev in all_events:
        for sub in index.candidates(ev, by_doc.get(de.es_id, []) if de and de.es_id else []):
            quote = quote_for(sub, de, ev, matches, quotes)
            if quote is not None:
                feed = sub.channel == "feed"  # feeds are read, not sent: delivered once written
                rows.append({"key": f"{sub.id}:{ev.id}", "subscription_id": sub.id, "event_id": ev.id,
                             "quote": quote, "status": "sent" if feed else "pending", "created_at": now,
                             "sent_at": now if feed else None})
    return insert_ignore(session, rows)


def _area(params: dict) -> tuple | None:
    """The most specific region a subscription names (its bucket), None for everywhere."""
    for key in REGION_KEYS[::-1]:
        if params.get(key):
            return (key, params[key])
    return None


class _SubIndex:
    """Subscriptions looked up by what an event carries, so 10,000 of them stay cheap:
    publisher id, (county, kind) for compliance, finding code, and saved query."""

    def __init__(self, subs: list[Subscription]) -> None:
        self.publisher: dict[str, list[Subscription]] = defaultdict(list)
        self.region: dict[tuple | None, list[Subscription]] = defaultdict(list)
        self.code: dict[tuple[str, tuple | None], list[Subscription]] = defaultdict(list)
        self.query: dict[str, list[Subscription]] = defaultdict(list)
        for s in subs:
            p = s.params or {}
            if s.kind == "publisher":
                self.publisher[p.get("publisher_id", "")].append(s)
            elif s.kind == "region_compliance":
                self.region[_area(p)].append(s)
            elif s.kind == "findings":
                for c in p.get("codes") or []:
                    self.code[(c, _area(p))].append(s)
            elif s.kind == "saved_search":
                self.query[p.get("q", "")].append(s)
        self.queries = list(self.query)

    def candidates(self, ev: Event, queries: list[str]) -> list[Subscription]:
        out: dict[int, Subscription] = {}
        groups = [self.publisher.get(ev.publisher_id or "", [])]
        areas = [("county", ev.county), ("city", ev.city), ("province", ev.province), None]
        if ev.kind in ("missing", "late"):
            groups += [self.region.get(a, []) for a in areas]
        for c in ev.codes or []:
            groups += [self.code.get((c, a), []) for a in areas]
        groups += [self.query.get(q, []) for q in queries]
        for g in groups:
            for s in g:
                out[s.id] = s
        return list(out.values())


def insert_ignore(session: Session, rows: list[dict]) -> int:
    """Bulk insert outbox rows, skipping keys that already exist (the idempotency key)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _sqlite_insert(session, rows)
    stmt: Insert
    if dialect == "postgresql":
        stmt = pg_insert(Outbox.__table__).on_conflict_do_nothing(index_elements=["key"])
    else:
        keys = set(session.scalars(select(Outbox.key).where(Outbox.key.in_([r["key"] for r in rows]))))
        rows = [r for r in rows if r["key"] not in keys]
        stmt = insert(Outbox.__table__)
    total = 0
    for i in range(0, len(rows), 1000):
        total += max(session.connection().execute(stmt, rows[i:i + 1000]).rowcount, 0)
    return total


_SQLITE_INSERT = ("INSERT INTO monitor_outbox (key, subscription_id, event_id, quote, status, created_at, sent_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING")


def _sqlite_time(t: datetime | None) -> str | None:
    return None if t is None else t.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite format


def _sqlite_insert(session: Session, rows: list[dict]) -> int:
    """The same insert straight through the driver, in the session's transaction: at 250,000
    rows SQLAlchemy's per-row binding cost as much as SQLite itself."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a live connection of the session's transaction
    cur = driver.cursor()
    before = cur.connection.total_changes
    encoded: dict[int, str] = {}  # by object: a saved search's quote is shared by its subscribers

    def enc(quote: dict) -> str:
        if id(quote) not in encoded:
            encoded[id(quote)] = dumps(quote)
        return encoded[id(quote)]

    cur.executemany(_SQLITE_INSERT, [(r["key"], r["subscription_id"], r["event_id"], enc(r["quote"]), r["status"],
                                      _sqlite_time(r["created_at"]), _sqlite_time(r.get("sent_at"))) for r in rows])
    return cur.connection.total_changes - before
