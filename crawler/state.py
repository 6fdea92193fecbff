"""State DB writes of a crawl: documents, versions and their queue events, listing evidence,
HTTP validators. Functions add to the caller's session; the caller commits once per document
so a document, its new version and its queue event land together or not at all."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .fetch import FetchResult
from .models import Document, Fetch, FetchLogRow, HttpCache, ListingCrawl, Version
from .queue import enqueue

REMOVE_AFTER = 2  # consecutive crawls answering 404/410 before a document counts as removed

# Column lengths are enforced by PostgreSQL (SQLite ignores them), and what a crawl stores comes
# from other people's servers: a URL that cannot be a key is not followed (`fits_url`), a header
# too long to keep is dropped (a cut ETag would never match), free text is cut.
URL_MAX = int(getattr(Document.__table__.c.url.type, "length"))  # noqa: B009


def fits_url(url: str) -> bool:
    """Whether `url` can be a document, a version's source or a validator key."""
    return len(url) <= URL_MAX


def _max(table: Table, column: str) -> int:
    return int(getattr(table.c[column].type, "length"))  # noqa: B009 (a String's length)


def cut(value: str | None, limit: int) -> str | None:
    """Free text cut to a column's length."""
    return value if value is None or len(value) <= limit else value[:limit]


def whole_or_none(value: str | None, limit: int) -> str | None:
    """A value kept only when whole (validators: a cut one is worse than none)."""
    return value if value is None or len(value) <= limit else None


@dataclass
class Observation:
    """What one crawl saw of one report."""

    url: str
    entry_url: str
    title: str
    organ: str
    year: int | None
    publisher_id: str | None
    published_shown: datetime | None
    sha256: str  # primary content
    norm_sha256: str
    page_sha256: str | None
    content_type: str
    filename: str
    source_url: str
    attachment_url: str | None
    warc_file: str
    warc_offset: int | None


_DOCS, _VERS = Document.__table__, Version.__table__
# Built once: constructing a statement per call cost more than executing it (the compiled
# forms are cached by SQLAlchemy either way). Executed on the session's connection, in its
# transaction, without the ORM's per-execute overhead.
_SEL_DOC = select(_DOCS.c.id, _DOCS.c.status, _DOCS.c.entry_url, _DOCS.c.publisher_id,
                  _DOCS.c.published_shown).where(_DOCS.c.url == bindparam("u"))
_INS_DOC = insert(_DOCS).returning(_DOCS.c.id)
_UPD_DOC = update(_DOCS).where(_DOCS.c.id == bindparam("doc_id"))
_SEL_LATEST = (select(_VERS.c.id, _VERS.c.seq, _VERS.c.norm_sha256)
               .where(_VERS.c.document_id == bindparam("doc_id")).order_by(_VERS.c.seq.desc()).limit(1))
_INS_VER = insert(_VERS).returning(_VERS.c.id)


def _doc_values(obs: Observation, now: datetime) -> dict:
    return {"title": obs.title, "organ": cut(obs.organ, _max(_DOCS, "organ")), "year": obs.year,
            "attachment_url": obs.attachment_url, "last_seen": now, "missing_count": 0,
            "status": "live", "removed_at": None}


def save_observation(session: Session, obs: Observation, now: datetime) -> str | None:
    """Upsert the document; a new version + queue event when the normalised content changed.
    Returns the event written (new | modified) or None. Core statements, not ORM objects: the
    unit-of-work flushes were ~40 % of the worker's time; same transaction as before."""
    conn = session.connection()
    row = conn.execute(_SEL_DOC, {"u": obs.url}).first()
    values = _doc_values(obs, now)
    if row is None:  # its first version follows: its hash set now saves an UPDATE later
        values.update(url=obs.url, first_seen=now, current_sha256=obs.sha256,
                      entry_url=obs.entry_url or "", publisher_id=obs.publisher_id,
                      published_shown=obs.published_shown)
        doc_id = conn.execute(_INS_DOC, values).scalar_one()
        return _new_version(session, doc_id, None, obs, now, fresh=True)
    values.update(doc_id=row.id, entry_url=obs.entry_url or row.entry_url,
                  publisher_id=obs.publisher_id or row.publisher_id,
                  published_shown=obs.published_shown or row.published_shown)
    latest = conn.execute(_SEL_LATEST, {"doc_id": row.id}).first()
    if latest is not None and latest.norm_sha256 == obs.norm_sha256:
        conn.execute(_UPD_DOC, values)
        if row.status == "removed":
            enqueue(session, row.id, latest.id, "modified")
            return "modified"
        return None
    conn.execute(_UPD_DOC, {**values, "current_sha256": obs.sha256})
    return _new_version(session, row.id, latest, obs, now, fresh=False)


def _new_version(session: Session, doc_id: int, latest: Row | None, obs: Observation,
                 now: datetime, fresh: bool) -> str:
    version_id = session.connection().execute(_INS_VER, {
        "document_id": doc_id, "seq": (latest.seq + 1) if latest else 1, "sha256": obs.sha256,
        "norm_sha256": obs.norm_sha256, "page_sha256": obs.page_sha256, "fetched_at": now,
        "warc_file": obs.warc_file, "warc_offset": obs.warc_offset,
        "content_type": cut(obs.content_type, _max(_VERS, "content_type")),
        "filename": cut(obs.filename, _max(_VERS, "filename")),
        "source_url": obs.source_url}).scalar_one()
    event = "new" if latest is None else "modified"
    enqueue(session, doc_id, version_id, event, fresh=fresh)
    return event


def mark_missing(session: Session, url: str, now: datetime) -> str | None:
    """A 404/410 for a known document; after REMOVE_AFTER crawls it is removed (archive kept)."""
    doc = session.scalar(select(Document).where(Document.url == url))
    if doc is None or doc.status == "removed":
        return None
    doc.missing_count += 1
    if doc.missing_count < REMOVE_AFTER:
        return None
    doc.status, doc.removed_at = "removed", now
    latest = session.scalar(select(Version.id).where(Version.document_id == doc.id)
                            .order_by(Version.seq.desc()).limit(1))
    enqueue(session, doc.id, latest, "removed")
    return "removed"


def known_live(session: Session, entry_url: str) -> list[Document]:
    return list(session.scalars(select(Document).where(
        Document.entry_url == entry_url, Document.status == "live")).all())


def add_listing(session: Session, *, run_id: str, entry_url: str, url: str, host: str,
                status: str, report_urls: list[str], error: str | None, sha256: str | None,
                now: datetime) -> None:
    table = ListingCrawl.__table__
    session.execute(insert(table), [{
        "run_id": run_id, "entry_url": entry_url, "url": cut(url, _max(table, "url")),
        "host": cut(host, _max(table, "host")), "crawled_at": now,
        "status": status, "ok": status == "ok", "report_urls": report_urls, "error": error,
        "sha256": sha256}])


@dataclass
class Validators:
    """One `http_cache` row as plain data (no ORM object: see `ValidatorCache.flush`)."""

    url: str
    checked_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    content_type: str = ""
    warc_file: str | None = None
    warc_offset: int | None = None


_HTTP_CACHE = HttpCache.__table__
_VALIDATOR_COLS = [c for c in _HTTP_CACHE.c]


def _upsert(insert_fn):  # type: ignore[no-untyped-def]
    stmt = insert_fn(_HTTP_CACHE)
    return stmt.on_conflict_do_update(index_elements=["url"], set_={
        c.name: stmt.excluded[c.name] for c in _VALIDATOR_COLS if c.name != "url"})


# The same INSERT … ON CONFLICT (url) DO UPDATE in each dialect's own construct.
_UPSERT_VALIDATORS = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(pg_insert)}
_FETCH = Fetch.__table__
_INS_FETCH = insert(_FETCH)


class ValidatorCache:
    """HTTP validators of one site's URLs, loaded in one query when its crawl starts (one
    SELECT per URL, most of them misses on a first crawl, cost more than the fetch). Changes
    are kept as plain rows and written by `flush` in one upsert executemany, which the crawl
    calls just before each commit (so they commit with the documents they belong to)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[str, Validators] = {}
        self.loaded: dict[str, int] = {}  # site prefix -> entries using it
        self.dirty: dict[str, Validators] = {}

    @staticmethod
    def _prefix(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/"

    def load(self, url: str) -> None:
        prefix = self._prefix(url)
        self.loaded[prefix] = self.loaded.get(prefix, 0) + 1
        if self.loaded[prefix] == 1:
            like = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
            for row in self.session.execute(select(*_VALIDATOR_COLS).where(
                    _HTTP_CACHE.c.url.like(like, escape="\\"))).mappings():
                self.rows[row["url"]] = Validators(**row)
            for key, val in self.dirty.items():  # not yet written: newer than the DB
                if key.startswith(prefix):
                    self.rows[key] = val

    def release(self, url: str) -> None:
        prefix = self._prefix(url)
        self.loaded[prefix] -= 1
        if self.loaded[prefix] == 0:
            del self.loaded[prefix]
            for key in [k for k in self.rows if k.startswith(prefix)]:
                del self.rows[key]

    def get(self, url: str) -> Validators | None:
        if url in self.rows or url in self.dirty or self._prefix(url) in self.loaded:
            return self.rows.get(url) or self.dirty.get(url)
        row = self.session.execute(select(*_VALIDATOR_COLS).where(
            _HTTP_CACHE.c.url == url)).mappings().first()
        return Validators(**row) if row else None

    def remember(self, url: str, res: FetchResult, now: datetime) -> None:
        if not fits_url(url):  # no key for it: fetched unconditionally next time
            return
        row = self.get(url)
        if row is None:
            row = Validators(url=url, checked_at=now)
            if self._prefix(url) in self.loaded:
                self.rows[url] = row
        _update(row, res, now)
        self.dirty[url] = row

    def flush(self) -> None:
        """Write the changed validators in the caller's transaction (one executemany)."""
        if not self.dirty:
            return
        conn = self.session.connection()
        conn.execute(_UPSERT_VALIDATORS[conn.dialect.name], [asdict(v) for v in self.dirty.values()])
        self.dirty.clear()


def _update(row: Validators, res: FetchResult, now: datetime) -> None:
    """Keep ETag/Last-Modified and the body hash of a 200 (304s only refresh checked_at)."""
    row.checked_at = now
    if res.outcome == "ok" and res.status == 200:
        row.etag = whole_or_none(res.headers.get("etag"), _max(_HTTP_CACHE, "etag"))
        row.last_modified = whole_or_none(res.headers.get("last-modified"), _max(_HTTP_CACHE, "last_modified"))
        row.sha256 = res.sha256
        row.content_type = cut(res.content_type, _max(_HTTP_CACHE, "content_type")) or ""
        row.warc_file, row.warc_offset = res.warc_file, res.warc_offset


def add_fetches(session: Session, rows: list[FetchLogRow]) -> None:
    """The fetch log of the last commit interval, in one executemany."""
    if rows:
        for row in rows:  # a log: a long URL or host is cut, not refused
            row["url"] = row["url"][:_max(_FETCH, "url")]
            row["host"] = row["host"][:_max(_FETCH, "host")]
        session.connection().execute(_INS_FETCH, rows)
        rows.clear()
