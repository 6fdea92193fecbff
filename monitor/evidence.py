"""Dates a report carries besides the one shown: in its URL, its 索引号, its metadata table.

A shown date that disagrees with them by more than `CONFLICT_DAYS` is flagged (real pages show
2022-01-28 while their metadata says 2022-03-02).
"""

from __future__ import annotations

import re
from datetime import date, datetime

CONFLICT_DAYS = 3

# /202502/t20250210_123.html (TRS-style CMS), /art/2025/2/10/art_1229_1.html (Hanweb),
# /2025-02/10/content_1.htm, /20250210/…
_URL_PATTERNS = (
    re.compile(r"/t(20\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/art/(20\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/(20\d{2})-(\d{2})/(\d{2})/content_"),
)
_INDEX_NUMBER = re.compile(r"(20\d{2})(\d{2})(\d{2})-\d+")
_ANY_DATE = re.compile(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# Metadata labels that state when the report was issued or published.
METADATA_LABELS = ("发布日期", "发布时间", "成文日期", "公开日期", "生成日期", "日期", "更新时间")


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def url_date(url: str) -> date | None:
    for pattern in _URL_PATTERNS:
        m = pattern.search(url or "")
        if m:
            return _date(*m.groups())
    return None


def parse_any_date(text: str | None) -> date | None:
    m = _ANY_DATE.search(text or "")
    return _date(*m.groups()) if m else None


def index_number_date(value: str | None) -> date | None:
    m = _INDEX_NUMBER.search(value or "")
    return _date(*m.groups()) if m else None


def evidence_dates(url: str, meta_dates: dict | None, attachment_url: str | None = None) -> dict[str, date]:
    """Every independent date we can read, keyed by where it came from."""
    found: dict[str, date] = {}
    for key, u in (("url", url), ("attachment_url", attachment_url)):
        d = url_date(u or "")
        if d:
            found[key] = d
    meta_dates = meta_dates or {}
    d = index_number_date(meta_dates.get("index_number"))
    if d:
        found["索引号"] = d
    for label, value in (meta_dates.get("metadata") or {}).items():
        if label in METADATA_LABELS:
            d = parse_any_date(str(value))
            if d:
                found[label] = d
    return found


def conflicts(shown: date, evidence: dict[str, date], days: int = CONFLICT_DAYS) -> dict[str, date]:
    """The evidence dates that differ from the shown date by more than `days`."""
    # 更新时间 legitimately moves after publication; it only counts when it is *earlier*.
    return {
        k: d
        for k, d in evidence.items()
        if abs((d - shown).days) > days and not (k == "更新时间" and d > shown)
    }


def as_date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
