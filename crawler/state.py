"""State DB writes of a crawl: documents, versions and their queue events, listing evidence,
HTTP validators. Functions add to the caller's session; the caller commits once per document
so a document, its new version and its queue event land together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from .fetch import FetchResult
from .models import Document, Fetch, HttpCache, ListingCrawl, Version
from .queue import enqueue

REMOVE_AFTER = 2  # consecutive crawls answering 404/410 before a document counts as removed


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


def save_observation(session: Session, obs: Observation, now: datetime) -> str | None:
    """Upsert the document; a new version + queue event when the normalised content changed.
    Returns the event written (new | modified) or None."""
    doc = session.scalar(select(Document).where(Document.url == obs.url))
    fresh = doc is None
    if doc is None:  # its first version follows: its hash set now saves an UPDATE later
        doc = Document(url=obs.url, first_seen=now, status="live", missing_count=0,
                       current_sha256=obs.sha256)
        session.add(doc)
    doc.entry_url = obs.entry_url or doc.entry_url
    doc.title, doc.organ, doc.year = obs.title, obs.organ, obs.year
    doc.publisher_id = obs.publisher_id or doc.publisher_id
    doc.published_shown = obs.published_shown or doc.published_shown
    doc.attachment_url = obs.attachment_url
    doc.last_seen, doc.missing_count = now, 0
    session.flush()
    latest = None if fresh else session.scalar(
        select(Version).where(Version.document_id == doc.id).order_by(Version.seq.desc()).limit(1))
    restored = doc.status == "removed"
    doc.status, doc.removed_at = "live", None
    if latest is not None and latest.norm_sha256 == obs.norm_sha256:
        if restored:
            enqueue(session, doc.id, latest.id, "modified")
            return "modified"
        return None
    version = Version(document_id=doc.id, seq=(latest.seq + 1) if latest else 1, sha256=obs.sha256,
                      norm_sha256=obs.norm_sha256, page_sha256=obs.page_sha256, fetched_at=now,
                      warc_file=obs.warc_file, warc_offset=obs.warc_offset,
                      content_type=obs.content_type, filename=obs.filename, source_url=obs.source_url)
    session.add(version)
    session.flush()
    doc.current_sha256 = obs.sha256
    event = "new" if latest is None else "modified"
    enqueue(session, doc.id, version.id, event, fresh=fresh)
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
    session.add(ListingCrawl(run_id=run_id, entry_url=entry_url, url=url, host=host,
                             crawled_at=now, status=status, ok=status == "ok",
                             report_urls=report_urls, error=error, sha256=sha256))


class ValidatorCache:
    """HTTP validators of one site's URLs, loaded in one query when its crawl starts (one
    SELECT per URL, most of them misses on a first crawl, cost more than the fetch)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[str, HttpCache] = {}
        self.loaded: dict[str, int] = {}  # site prefix -> entries using it

    @staticmethod
    def _prefix(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/"

    def load(self, url: str) -> None:
        prefix = self._prefix(url)
        self.loaded[prefix] = self.loaded.get(prefix, 0) + 1
        if self.loaded[prefix] == 1:
            like = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
            for row in self.session.scalars(select(HttpCache).where(HttpCache.url.like(like, escape="\\"))):
                self.rows[row.url] = row

    def release(self, url: str) -> None:
        prefix = self._prefix(url)
        self.loaded[prefix] -= 1
        if self.loaded[prefix] == 0:
            del self.loaded[prefix]
            for key in [k for k in self.rows if k.startswith(prefix)]:
                del self.rows[key]

    def get(self, url: str) -> HttpCache | None:
        if url in self.rows or self._prefix(url) in self.loaded:
            return self.rows.get(url)
        return self.session.get(HttpCache, url)

    def remember(self, url: str, res: FetchResult, now: datetime) -> None:
        row = self.get(url)
        if row is None:
            row = HttpCache(url=url, checked_at=now)
            self.session.add(row)
            if self._prefix(url) in self.loaded:
                self.rows[url] = row
        _update(row, res, now)


def _update(row: HttpCache, res: FetchResult, now: datetime) -> None:
    """Keep ETag/Last-Modified and the body hash of a 200 (304s only refresh checked_at)."""
    row.checked_at = now
    if res.outcome == "ok" and res.status == 200:
        row.etag = res.headers.get("etag")
        row.last_modified = res.headers.get("last-modified")
        row.sha256 = res.sha256
        row.content_type = res.content_type
        row.warc_file, row.warc_offset = res.warc_file, res.warc_offset


def add_fetches(session: Session, rows: list[dict]) -> None:
    if rows:
        session.add_all(Fetch(**r) for r in rows)
        rows.clear()
