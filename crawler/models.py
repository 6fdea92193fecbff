"""The crawler's state tables on the shared `nianbao.db.Base`.

Every write the crawler makes for one document (document row, version row, queue event) goes in
one transaction, so a crawl killed at any moment leaves a consistent state, and the unique
constraints make a rerun idempotent.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nianbao.db import Base

# A byte offset in a run's WARC file, which grows past 2 GiB on a full crawl: 64-bit. SQLite's
# INTEGER is 64-bit already (and its tables stay as they are); PostgreSQL's is not (0003).
WARC_OFFSET = BigInteger().with_variant(Integer(), "sqlite")


class PublisherRow(Base):
    """A registry row mirrored into the DB (the registry file stays the source of truth)."""

    __tablename__ = "publishers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    county: Mapped[str] = mapped_column(String(50), default="")
    code: Mapped[str] = mapped_column(String(12), default="", index=True)
    deadline: Mapped[str | None] = mapped_column(String(5), nullable=True)  # MM-DD override
    entry_url: Mapped[str] = mapped_column(String(1000), index=True)
    schedule: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Document(Base):
    """One report URL. `publisher_id` NULL = found but matched to no registry publisher."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publisher_id: Mapped[str | None] = mapped_column(
        ForeignKey("publishers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    entry_url: Mapped[str] = mapped_column(String(1000), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    organ: Mapped[str] = mapped_column(String(200), default="")  # the body named in the title
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    published_shown: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default="live")  # live | removed
    current_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attachment_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    missing_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive 404/410 crawls
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Version(Base):
    """One distinct content of a document. `sha256` is the primary content (the attachment
    when the page is a short page linking one, else the page); `page_sha256` the page itself."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … per document
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    norm_sha256: Mapped[str] = mapped_column(String(64))  # hash of the normalised content
    page_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    warc_file: Mapped[str] = mapped_column(String(300), default="")
    warc_offset: Mapped[int | None] = mapped_column(WARC_OFFSET, nullable=True)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(300), default="")  # a hint for the parser
    source_url: Mapped[str] = mapped_column(String(1000), default="")  # URL of the primary content


class FetchLogRow(TypedDict):
    """One row of the fetch log (the `fetches` table) as the fetcher and the engine write it."""
    run_id: str
    url: str
    host: str
    kind: str  # robots | listing | report | attachment
    started_at: datetime
    status: int | None
    outcome: str  # see Fetch.outcome
    attempts: int
    bytes: int
    sha256: str | None
    error: str | None
    elapsed_ms: int


class Fetch(Base):
    """The fetch log: one row per HTTP exchange attempt series (or a request we refused)."""

    __tablename__ = "fetches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(1000))
    host: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # robots|listing|report|attachment
    started_at: Mapped[datetime] = mapped_column(DateTime)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # ok | not_modified | http_error | error | blocked | robots | offsite | too_large
    outcome: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ListingCrawl(Base):
    """One crawl of one list page: the evidence of what a site listed, and when."""

    __tablename__ = "listing_crawls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    entry_url: Mapped[str] = mapped_column(String(1000), index=True)  # the registry entry page
    url: Mapped[str] = mapped_column(String(1000))  # this list page
    host: Mapped[str] = mapped_column(String(200), index=True)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(10))  # ok | failed | blocked
    ok: Mapped[bool] = mapped_column(Boolean)
    report_urls: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class HttpCache(Base):
    """Validators and last body per URL, for conditional requests (ETag / Last-Modified)."""

    __tablename__ = "http_cache"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(300), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    warc_file: Mapped[str | None] = mapped_column(String(300), nullable=True)  # the 200's record
    warc_offset: Mapped[int | None] = mapped_column(WARC_OFFSET, nullable=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime)


class QueueRow(Base):
    """The durable queue of document events for the indexer (`crawler.queue`)."""

    __tablename__ = "queue"
    __table_args__ = (
        UniqueConstraint("document_id", "version_id", "event", name="uq_queue_event"),
        Index("ix_queue_pending", "done_at", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"), nullable=True)
    event: Mapped[str] = mapped_column(String(10))  # new | modified | removed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
