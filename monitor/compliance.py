"""Compliance per publisher and report year: not_due, on_time, late, missing, unknown.

The rules are pure functions over `monitor.inputs`; `evaluate` loads the inputs from the state
DB (`monitor.source`) and returns the API shape. Never call a report missing on a failed crawl:
`missing` needs a successful listing crawl after the deadline that did not show it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypedDict

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.errors import UsageError
from nianbao.settings import get_settings

from . import source
from .deadlines import DeadlineRules, deadline_for
from .evidence import as_date, conflicts, evidence_dates
from .inputs import ListingCrawl, PublisherInfo, ReportSighting

STATUSES = ("on_time", "late", "missing", "not_due", "unknown")
LEVELS = ("province", "city", "county", "township")


class ComplianceRecord(TypedDict):
    """One publisher's compliance for one report year: the API's and the snapshot's row
    (monitor.snapshot stores it, web and the alerts read it)."""
    id: str
    name: str
    level: str
    province: str
    city: str
    county: str
    status: str  # one of STATUSES
    deadline: str  # ISO date
    published: str | None  # the date used for lateness (ISO)
    published_shown: str | None
    first_seen: str | None
    days_late: int | None
    date_source: str | None  # shown | first_seen
    url: str | None
    findings: list[dict[str, Any]]
    evidence: dict[str, Any]


@dataclass
class DatedSighting:
    sighting: ReportSighting
    used: date
    source: str  # shown | first_seen
    findings: list[dict] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def _crawl_json(c: ListingCrawl) -> dict:
    return {"crawled_at": c.crawled_at.isoformat(timespec="seconds"), "ok": c.ok,
            "status": c.status or ("ok" if c.ok else "failed"), "url": c.url or c.entry_url}


def backdated_evidence(s: ReportSighting, shown: date, crawls: Iterable[ListingCrawl]) -> dict | None:
    """A successful crawl after the shown day that did not list the report -> both crawls."""
    ordered = sorted(crawls, key=lambda c: c.crawled_at)
    without = next((c for c in ordered if c.ok and c.crawled_at.date() > shown
                    and c.crawled_at < s.first_seen and s.url not in c.report_urls), None)
    if without is None:
        return None
    with_it = next((c for c in ordered if c.crawled_at > without.crawled_at and s.url in c.report_urls), None)
    return {"without": _crawl_json(without),
            "with": _crawl_json(with_it) if with_it else {"crawled_at": s.first_seen.isoformat(timespec="seconds")}}


def date_sighting(s: ReportSighting, crawls: list[ListingCrawl], year: int, today: date) -> DatedSighting:
    """Pick the date used for lateness: the shown date when plausible, else first seen."""
    first = s.first_seen.date()
    shown = as_date(s.published_shown)
    ev = evidence_dates(s.url, s.meta_dates, s.attachment_url)
    out = DatedSighting(s, first, "first_seen", evidence={"dates": {k: d.isoformat() for k, d in ev.items()}})
    if shown is None:
        return out
    reasons = []
    if shown > today or shown > first + timedelta(days=1):
        reasons.append("晚于首次发现时间")
    if shown < date(year + 1, 1, 1):
        reasons.append("早于报告年度结束")
    bad = conflicts(shown, ev)
    if bad:
        detail = "，".join(f"{k} {d.isoformat()}" for k, d in bad.items())
        out.findings.append({"code": "DATE_CONFLICT", "severity": "warning",
                             "message": f"页面显示发布日期 {shown.isoformat()} 与其他日期不符：{detail}",
                             "evidence": {k: d.isoformat() for k, d in bad.items()}})
        reasons.append("与其他日期不符")
    back = backdated_evidence(s, shown, crawls)
    if back:
        out.findings.append({"code": "BACKDATED", "severity": "error",
                             "message": f"页面显示发布日期 {shown.isoformat()}，但 {back['without']['crawled_at'][:10]} 抓取该栏目时尚无此报告",
                             "evidence": back})
        reasons.append("倒签")
    if not reasons:
        out.used, out.source = shown, "shown"
    else:
        out.evidence["shown_rejected"] = reasons
    return out


def _status_findings(s: ReportSighting) -> list[dict]:
    found = []
    if s.versions > 1:
        found.append({"code": "MODIFIED", "severity": "warning",
                      "message": f"报告发布后被修改（共 {s.versions} 个版本）"})
    if s.status == "removed":
        found.append({"code": "REMOVED", "severity": "warning", "message": "报告发布后已被撤下"})
    return found


def _last_run(crawls: list[ListingCrawl]) -> ListingCrawl | None:
    return max(crawls, key=lambda c: c.crawled_at, default=None)


def assess(pub: PublisherInfo, year: int, today: date, deadline: date, grace_days: int,
           sightings: list[ReportSighting], crawls: list[ListingCrawl]) -> ComplianceRecord:
    """The compliance row of one publisher for one year (API shape plus evidence)."""
    row: ComplianceRecord = {
        "id": pub.id, "name": pub.name, "level": pub.level, "province": pub.province,
        "city": pub.city, "county": pub.county, "status": "not_due",
        "deadline": deadline.isoformat(), "published": None, "published_shown": None,
        "first_seen": None, "days_late": None, "date_source": None, "url": None,
        "findings": [], "evidence": {},
    }
    last = _last_run(crawls)
    row["evidence"]["last_crawl"] = _crawl_json(last) if last else None
    if sightings:
        dated = sorted((date_sighting(s, crawls, year, today) for s in sightings), key=lambda d: d.used)
        best = dated[0]
        s = best.sighting
        row["published"] = best.used.isoformat()
        row["first_seen"] = s.first_seen.isoformat(timespec="seconds")
        row["published_shown"] = s.published_shown.isoformat() if s.published_shown else None
        row["date_source"], row["url"] = best.source, s.url
        row["evidence"].update(best.evidence)
        row["findings"] = best.findings + _status_findings(s)
        days = (best.used - deadline).days
        if days > 0:
            row["status"], row["days_late"] = "late", days
            row["findings"].insert(0, {"code": "LATE", "severity": "error", "days_late": days,
                                       "message": f"逾期 {days} 天发布（截止 {deadline.isoformat()}，发布 {best.used.isoformat()}）"})
        else:
            row["status"] = "on_time"
        return row
    if today <= deadline + timedelta(days=grace_days):
        return row
    if last is None or not last.ok or last.crawled_at.date() <= deadline:
        row["status"] = "unknown"
        row["findings"].append({"code": "UNCHECKED", "severity": "info",
                                "message": "截止后未能成功抓取该单位网站，无法判断是否发布" if last else "尚未抓取该单位网站"})
        return row
    row["status"], row["days_late"] = "missing", (today - deadline).days
    row["findings"].append({"code": "MISSING", "severity": "error", "days_late": row["days_late"],
                            "message": f"截止 {deadline.isoformat()} 后未发现报告（已逾期 {row['days_late']} 天；{last.crawled_at.date().isoformat()} 抓取成功）"})
    return row


def build_report(year: int, today: date, publishers: list[PublisherInfo],
                 sightings: list[ReportSighting], crawls: list[ListingCrawl],
                 grace_days: int = 0, rules: DeadlineRules | None = None) -> dict:
    by_pub: dict[str, list[ReportSighting]] = defaultdict(list)
    for s in sightings:
        if s.year == year:
            by_pub[s.publisher_id].append(s)
    by_entry: dict[str, list[ListingCrawl]] = defaultdict(list)
    for c in crawls:
        by_entry[c.entry_url].append(c)
    rows: list[ComplianceRecord] = [
        assess(p, year, today, deadline_for(p, year, rules), grace_days, by_pub.get(p.id, []),
               by_entry.get(p.entry_url, [])) for p in publishers]
    counts = Counter(r["status"] for r in rows)
    return {"year": year, "today": today.isoformat(),
            "counts": {k: counts.get(k, 0) for k in STATUSES}, "publishers": rows}


def evaluate(session: Session, year: int, today: date | None = None, province: str | None = None,
             city: str | None = None, county: str | None = None, *, es: Elasticsearch | None = None, prefix: str | None = None,
             grace_days: int | None = None, rules: DeadlineRules | None = None) -> dict:
    """The compliance report of every registry publisher in the region for `year`."""
    today = today or clock.today()
    grace = get_settings().grace_days if grace_days is None else grace_days
    pubs, sightings, crawls = source.load(session, year, province=province, city=city,
                                          county=county, es=es, prefix=prefix)
    report = build_report(year, today, pubs, sightings, crawls, grace, rules)
    report["filters"] = {"province": province, "city": city, "county": county}
    return report


def rollup(report: dict, level: str) -> list[dict]:
    """Counts per area at `level` (province → city → county → township), for the dashboard."""
    if level not in LEVELS:
        raise UsageError(f"未知层级 {level!r}，应为 {'/'.join(LEVELS)}")
    keys = LEVELS[: LEVELS.index(level) + 1]
    groups: dict[tuple, Counter] = defaultdict(Counter)
    for row in report["publishers"]:
        area = tuple(row.get(k, "") if k != "township" else row["name"] for k in keys)
        groups[area][row["status"]] += 1
    out = []
    for area, counts in sorted(groups.items()):
        entry: dict[str, Any] = dict(zip(keys, area, strict=True))
        entry["counts"] = {k: counts.get(k, 0) for k in STATUSES}
        entry["total"] = sum(counts.values())
        out.append(entry)
    return out
