"""Typed inputs of the compliance logic, independent of where they are stored.

`monitor.source` fills them from the crawler's state tables (and optionally the ES documents);
tests build them directly, so the rules in `monitor.compliance` are pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PublisherInfo:
    id: str
    name: str
    level: str  # township | subdistrict | department | county
    province: str = ""
    city: str = ""
    county: str = ""
    code: str = ""  # 12-digit division code
    deadline: str | None = None  # MM-DD override from the registry
    entry_url: str = ""  # the registry entry page; listing crawls are keyed by it


@dataclass(frozen=True)
class ReportSighting:
    """One report URL we found for a publisher and year."""

    document_id: int | str
    publisher_id: str
    year: int
    url: str
    first_seen: datetime
    published_shown: datetime | None = None
    last_seen: datetime | None = None
    status: str = "live"  # live | removed
    title: str = ""
    attachment_url: str | None = None
    # Dates the parser found in the page: {"index_number": "…", "metadata": {"发布日期": "…"}}
    meta_dates: dict = field(default_factory=dict)
    versions: int = 1  # >1: the report changed after it was first seen (MODIFIED)
    finding_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListingCrawl:
    """One crawl of a publisher's listing: did it succeed, and which report URLs did it show."""

    entry_url: str
    crawled_at: datetime
    ok: bool
    report_urls: frozenset[str] = frozenset()
    url: str = ""  # the list page itself
    status: str = ""  # ok | failed | blocked
    id: int | None = None
