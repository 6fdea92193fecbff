"""The indexing pipeline: crawler queue → archive → parse → ES document → bulk index → ack.

The queue is the source of truth: items are acknowledged only once Elasticsearch has them.
If Elasticsearch is unreachable, claimed items are handed back untouched (no attempt is
counted) and the run stops; the next run picks them up. A document that cannot be parsed is
`fail`ed with its reason (the crawler's queue retries it, then parks it).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import queue
from crawler.archive import Archive
from crawler.models import Document, PublisherRow, Version
from crawler.queue import QueueItem
from indexer.parse import parse
from indexer.reviews import apply_reviews, reviews_for, reviews_of
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import NianbaoError, ServiceUnavailable
from nianbao.es import es_client
from nianbao.settings import Settings

from . import attribution, store
from .mappings import alias_name

log = logging.getLogger(__name__)


@dataclass
class IndexStats:
    claimed: int = 0
    indexed: int = 0
    removed: int = 0
    failed: int = 0
    released: int = 0  # handed back because Elasticsearch was down
    batches: int = 0
    es_down: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # queue id → reason

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- one queue item → one ES document --------------------------------------------------------

def _iso(v: datetime | date | None) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime) and v.tzinfo is None:
        return v.isoformat() + "Z"  # the crawler stores naive UTC
    return v.isoformat()


def report_id(item: QueueItem) -> str:
    """Stable across events of the same document: publisher + the crawler's year, else URL."""
    return store.doc_id(item.publisher_id, item.year, item.url)


class PubFacts(NamedTuple):
    """What a document takes from its publisher's registry row. Plain values, not an ORM row:
    a row expires at every commit of the session (and the batch commits as it goes), so
    reading its attributes again would query again."""

    name: str
    level: str
    province: str
    city: str
    county: str
    code: str


def publishers(session: Session, pids: set[str]) -> dict[str, PubFacts]:
    """The registry facts of several publishers in one query."""
    if not pids:
        return {}
    cols = select(PublisherRow.id, *(getattr(PublisherRow, f) for f in PubFacts._fields))
    return {r[0]: PubFacts(*r[1:]) for r in session.execute(cols.where(PublisherRow.id.in_(pids)))}


def item_meta(item: QueueItem, report: dict[str, Any], pub: PubFacts | None) -> dict[str, Any]:
    """What the crawl and the registry know about the document. Lateness (deadline, days_late,
    timeliness, LATE) is not here: the monitor decides it, with the evidence for the date used
    and the grace days, and stores it on the document (monitor.docfindings)."""
    meta: dict[str, Any] = {
        "id": report_id(item), "publisher_id": item.publisher_id, "url": item.url,
        "source_url": item.source_url, "archive_sha256": item.sha256,
        "fetched_at": _iso(item.fetched_at), "first_seen": _iso(item.first_seen),
        "status": item.status, "document_id": item.document_id,
    }
    if not report.get("published") and item.published_shown:
        meta["published"] = item.published_shown.date().isoformat()
    if pub is not None:
        meta.update(province=pub.province or None, city=pub.city or None, county=pub.county or None,
                    level=pub.level, division_code=pub.code or None)
        if not report.get("organ"):
            meta["organ"] = pub.name
    return meta


def parse_item(archive: Archive, item: QueueItem, side_by_side: bool = False) -> dict[str, Any]:
    """Archive → parse → the report's JSON. No state database: safe in a thread (parse_all)."""
    if not item.sha256:
        raise NianbaoError(f"队列项没有存档内容 / queue item {item.id} has no archived content")
    data = archive.read(item.sha256)
    return parse(data, item.filename or None, item.content_type or None,
                 side_by_side=side_by_side).to_json()


def parse_all(archive: Archive, items: list[QueueItem], workers: int) -> list[dict[str, Any] | NianbaoError]:
    """parse_item for each item, in `workers` threads, each document in a worker process
    (indexer.parse.worker) when there are several, so the parsers — HTML's in Python as much as
    LibreOffice, pdfminer and Tesseract — run side by side, one per core, instead of one at a
    time. In the items' order; a document that cannot be parsed gives its error."""
    def one(item: QueueItem) -> dict[str, Any] | NianbaoError:
        try:
            return parse_item(archive, item, side_by_side=workers > 1)
        except NianbaoError as exc:
            return exc

    if workers <= 1 or len(items) <= 1:
        return [one(i) for i in items]
    with ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix="parse") as pool:
        return list(pool.map(one, items))


def item_doc(session: Session, item: QueueItem, report: dict[str, Any],
             reviews: dict[str, list[dict[str, Any]]] | None = None,
             pubs: dict[str, PubFacts] | None = None) -> dict[str, Any]:
    """A parsed report → its ES document: publisher attribution, crawl metadata, reviews.
    `reviews`, `pubs`: the batch's reviews by report id (reviews_of) and publishers by id
    (publishers), read before attribution; what attribution changes is asked for on its own."""
    if item.publisher_id is None and (pid := attribution.match_publisher(session, item.document_id, report)):
        attribution.assign(session, item.document_id, pid, report.get("year"))
        item.publisher_id, item.year = pid, item.year or report.get("year")
    pid = item.publisher_id
    pub = (pubs or {}).get(pid) if pid else None
    if pid and pub is None:
        pub = publishers(session, {pid}).get(pid)
    attribution.fill_from_crawl(report, item.title, pub.name if pub is not None else None)
    doc = store.build_doc(report, item_meta(item, report, pub))
    # Human corrections and dismissals survive a re-crawl: apply them to the fresh parse.
    found = reviews.get(doc["id"]) if reviews is not None else None
    return apply_reviews(doc, reviews_for(session, doc["id"]) if found is None else found)


def build_item_doc(session: Session, archive: Archive, item: QueueItem) -> dict[str, Any]:
    """Archive → parse → ES document. Raises NianbaoError (ParseError, ArchiveMissing …)."""
    return item_doc(session, item, parse_item(archive, item))


# --- the run ---------------------------------------------------------------------------------

def release(session: Session, ids: list[int]) -> None:
    """Hand claimed items back without counting an attempt (Elasticsearch was down: not the
    item's fault)."""
    if ids:
        queue.release(session, ids)


def run_once(settings: Settings, *, es: Elasticsearch | None = None, batch: int = 50,
             max_items: int | None = None, session_factory: Any = None,
             progress: Callable[[IndexStats], None] | None = None) -> IndexStats:
    """Drain the queue once (up to `max_items`). Safe to run again at any time."""
    es = es or es_client(settings)
    prefix = settings.es_index_prefix
    if session_factory is None:
        engine = make_engine(settings.database_url)
        init_db(engine)
        session_factory = make_session_factory(engine)
    stats = IndexStats()
    archive = Archive(settings)
    try:
        store.ensure_indices(es, prefix)
    except ServiceUnavailable:
        stats.es_down = True
        return stats
    except Exception as exc:  # the transport's connection errors before any claim
        if _is_down(exc):
            stats.es_down = True
            return stats
        raise
    workers = parse_workers(settings)

    def claim(session: Session) -> tuple[list[QueueItem], Future[list[Any]] | None]:
        """The next batch, its parse started in the background (no state database there)."""
        limit = batch if max_items is None else min(batch, max_items - stats.claimed)
        items = queue.claim(session, limit) if limit > 0 else []
        stats.claimed += len(items)
        live = [i for i in items if i.event != "removed"]
        return items, ahead.submit(parse_all, archive, live, workers) if items else None

    # One batch ahead: while a batch is built, indexed and acknowledged here, the next one is
    # being parsed (in worker processes), so parsing and the rest overlap.
    with session_factory() as session, ThreadPoolExecutor(1, thread_name_prefix="ahead") as ahead:
        items, parsing = claim(session)
        following: list[QueueItem] = []
        try:
            while parsing is not None:
                parsed = parsing.result()
                following, parsing = claim(session)
                stats.batches += 1
                if not _process(session, es, prefix, items, parsed, stats):
                    break  # Elasticsearch is down: the batch ahead goes back too (below)
                items, following = following, []
                if progress:
                    progress(stats)
        finally:
            if following:  # claimed ahead, never processed: handed back now, not at the lease's end
                if parsing is not None and not parsing.cancel():
                    parsing.exception()  # a parse under way ends before its items go back
                release(session, [i.id for i in following])
                stats.released += len(following)
    if stats.indexed or stats.removed:
        _refresh(es, prefix)
    return stats


def _refresh(es: Elasticsearch, prefix: str) -> None:
    """Make a drain's documents searchable now rather than at the next periodic refresh
    (mappings.DEFAULT_SETTINGS): the monitor reads them next. Elasticsearch going away here
    loses nothing: the periodic refresh comes anyway."""
    try:
        es.indices.refresh(index=",".join(alias_name(prefix, k) for k in store.KINDS))
    except Exception as exc:
        if not _is_down(exc):
            raise
        log.warning("Elasticsearch went away before the final refresh: %s", exc)


def _is_down(exc: Exception) -> bool:
    return isinstance(exc, EsConnectionError | ServiceUnavailable)


def parse_workers(settings: Settings) -> int:
    return settings.parse_workers or os.cpu_count() or 1


def _process(session: Session, es: Elasticsearch, prefix: str, items: list[QueueItem],
             parsed: list[dict[str, Any] | NianbaoError], stats: IndexStats) -> bool:
    """One claimed batch, its live items parsed (`parsed`, in their order). Returns False when
    Elasticsearch is down (items released)."""
    docs: dict[str, tuple[int, dict[str, Any]]] = {}
    removed = [i for i in items if i.event == "removed"]
    live = [i for i in items if i.event != "removed"]
    done: list[int] = []
    # the batch's reviews and publisher rows in two queries, not two per document
    reviews = reviews_of(session, [report_id(i) for i in live])
    pubs = publishers(session, {i.publisher_id for i in live if i.publisher_id})
    for item, report in zip(live, parsed, strict=True):
        try:
            if isinstance(report, NianbaoError):
                raise report
            doc = item_doc(session, item, report, reviews, pubs)
        except NianbaoError as exc:
            queue.fail(session, item.id, str(exc))
            stats.failed += 1
            stats.errors[str(item.id)] = str(exc)
            continue
        prev = docs.get(doc["id"])
        if prev:  # two versions of one report in a batch: the later one is current
            done.append(prev[0])
        docs[doc["id"]] = (item.id, doc)
    pending = [i for i, _ in docs.values()] + [r.id for r in removed] + done
    try:
        fresh = [d for _, d in docs.values()]
        ok, errors = store.index_reports(es, prefix, store.with_extra(es, alias_name(prefix), fresh))
        store.index_versions(es, prefix, fresh)
        for r in removed:
            store.mark_removed(es, prefix, report_id(r))
    except Exception as exc:
        if not _is_down(exc):
            raise
        release(session, pending)
        stats.es_down = True
        stats.released += len(pending)
        log.warning("Elasticsearch down, %d items handed back: %s", len(pending), exc)
        return False
    for rid, (qid, _doc) in docs.items():
        if rid in ok:
            done.append(qid)
            stats.indexed += 1
        else:
            queue.fail(session, qid, f"Elasticsearch 拒绝了文档 / rejected: {errors.get(rid, '?')}")
            stats.failed += 1
            stats.errors[str(qid)] = errors.get(rid, "?")
    done += [r.id for r in removed]
    stats.removed += len(removed)
    queue.ack(session, done)
    return True


# --- rebuild from the archive ----------------------------------------------------------------

def archive_docs(settings: Settings, session: Session, errors: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Current version of every known document, re-parsed from the archive (parse_workers
    documents side by side)."""
    archive = Archive(settings)
    workers = parse_workers(settings)
    rows = session.scalars(select(Document).where(Document.current_sha256.is_not(None)))
    while batch := list(itertools.islice(rows, 8 * workers)):
        items = [_archive_item(session, d) for d in batch]
        for item, report in zip(items, parse_all(archive, items, workers), strict=True):
            try:
                if isinstance(report, NianbaoError):
                    raise report
                yield item_doc(session, item, report)
            except NianbaoError as exc:
                errors[item.url] = str(exc)


def _archive_item(session: Session, d: Document) -> QueueItem:
    item = queue.QueueItem(
        id=0, event="modified", document_id=d.id, version_id=None, url=d.url,
        publisher_id=d.publisher_id, publisher_name=None, title=d.title, year=d.year,
        published_shown=d.published_shown, first_seen=d.first_seen, last_seen=d.last_seen,
        status=d.status, sha256=d.current_sha256, content_type="", filename="",
        source_url=d.url, fetched_at=None, attempts=0)
    _fill_version(session, d, item)
    return item


def _fill_version(session: Session, d: Document, item: QueueItem) -> None:
    v = session.scalars(select(Version).where(Version.document_id == d.id, Version.sha256 == d.current_sha256)
                        .order_by(Version.seq.desc())).first()
    if v is not None:
        item.content_type, item.filename = v.content_type, v.filename
        item.source_url, item.fetched_at = v.source_url or d.url, v.fetched_at


def rebuild_from_archive(settings: Settings, *, es: Elasticsearch | None = None,
                         grace_seconds: float = 2.0) -> dict[str, Any]:
    """`nianbao index --rebuild`: a fresh index from the archive, alias swapped at the end."""
    es = es or es_client(settings)
    engine = make_engine(settings.database_url)
    init_db(engine)
    errors: dict[str, str] = {}
    store.ensure_indices(es, settings.es_index_prefix)
    with make_session_factory(engine)() as session:
        out = store.rebuild(es, settings.es_index_prefix, archive_docs(settings, session, errors),
                            grace_seconds=grace_seconds)
    out["parse_errors"] = errors
    return out


def rebuild_if_outdated(settings: Settings, *, es: Elasticsearch | None = None) -> dict[str, Any] | None:
    """Rebuild from the archive when the live index was made with an older mapping version
    (what `nianbao index` only warns about); None when it is current or does not exist yet."""
    es = es or es_client(settings)
    if not store.needs_rebuild(es, settings.es_index_prefix):
        return None
    return rebuild_from_archive(settings, es=es, grace_seconds=0)
