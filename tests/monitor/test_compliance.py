"""Compliance rules on typed inputs, then the same through the crawler's state tables."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from monitor.compliance import build_report, evaluate, rollup
from monitor.deadlines import DeadlineRules, deadline_for, load_rules
from monitor.evidence import evidence_dates
from monitor.inputs import ListingCrawl, PublisherInfo, ReportSighting

ENTRY = "http://127.0.1.1:8800/col/nb/index.html"
TOWN = PublisherInfo("t1", "朝阳镇人民政府", "township", "河南省", "洛阳市", "孟津区", "410308100000", None, ENTRY)
TOWN2 = PublisherInfo("t2", "平乐镇人民政府", "township", "河南省", "洛阳市", "孟津区", "410308101000", None, ENTRY)
GOV = PublisherInfo("c1", "孟津区人民政府", "county", "河南省", "洛阳市", "孟津区", "410308000000", None, ENTRY)
OTHER = PublisherInfo("x1", "城关镇人民政府", "township", "河南省", "洛阳市", "新安县", "410323100000", None,
                      "http://127.0.1.2:8800/nb/")


def crawl(day: str, ok: bool = True, urls: tuple[str, ...] = (), entry: str = ENTRY) -> ListingCrawl:
    return ListingCrawl(entry, datetime.fromisoformat(day), ok, frozenset(urls), status="ok" if ok else "failed")


def report(pub: str, url: str, first_seen: str, shown: str | None = None, **kw) -> ReportSighting:
    return ReportSighting(1, pub, 2024, url, datetime.fromisoformat(first_seen),
                          datetime.fromisoformat(shown) if shown else None, **kw)


def test_deadlines_defaults_and_overrides(tmp_path: Path) -> None:
    assert deadline_for(TOWN, 2024, DeadlineRules()) == date(2025, 1, 31)
    assert deadline_for(GOV, 2024, DeadlineRules()) == date(2025, 3, 31)
    rules_file = tmp_path / "deadlines.yaml"
    rules_file.write_text('regions:\n  "4103": "02-10"\n  孟津区: {township: "02-20"}\n'
                          'publishers:\n  t2: "02-28"\n', encoding="utf-8")
    rules = load_rules(rules_file)
    assert deadline_for(TOWN, 2024, rules) == date(2025, 2, 10)  # code prefix beats the name
    assert deadline_for(TOWN2, 2024, rules) == date(2025, 2, 28)  # publisher beats region
    registry = PublisherInfo("r", "某局", "department", deadline="01-15")
    assert deadline_for(registry, 2024, rules) == date(2025, 1, 15)


def test_evidence_dates_from_url_index_number_metadata() -> None:
    ev = evidence_dates("http://x/202502/t20250210_86644547.html",
                        {"index_number": "01525772-2/20240131-00001", "metadata": {"发布日期": "2024年2月3日"}})
    assert ev == {"url": date(2025, 2, 10), "索引号": date(2024, 1, 31), "发布日期": date(2024, 2, 3)}
    assert evidence_dates("http://x/art/2025/2/10/art_1229_1.html", None) == {"url": date(2025, 2, 10)}


def _status(rep: dict, pid: str) -> dict:
    return next(p for p in rep["publishers"] if p["id"] == pid)


def test_not_due_missing_unknown_and_late() -> None:
    pubs = [TOWN, TOWN2, GOV, OTHER]
    crawls = [crawl("2025-01-20T09:00"), crawl("2025-02-01T09:00"),
              crawl("2025-02-01T09:00", ok=False, entry=OTHER.entry_url)]
    rep = build_report(2024, date(2025, 1, 20), pubs, [], crawls[:1])
    assert rep["counts"] == {"on_time": 0, "late": 0, "missing": 0, "not_due": 4, "unknown": 0}
    rep = build_report(2024, date(2025, 2, 1), pubs, [], crawls)
    assert _status(rep, "t1")["status"] == "missing" and _status(rep, "t1")["days_late"] == 1
    assert _status(rep, "x1")["status"] == "unknown"  # failed crawl: never "missing"
    assert _status(rep, "c1")["status"] == "not_due"  # county deadline is 31 March
    # grace days postpone "missing"
    assert _status(build_report(2024, date(2025, 2, 1), pubs, [], crawls, grace_days=3), "t1")["status"] == "not_due"
    url = "http://127.0.1.1:8800/202502/t20250210_1.html"
    late = report("t1", url, "2025-02-10T16:00", "2025-02-10T15:59")
    crawls.append(crawl("2025-02-10T16:00", urls=(url,)))
    rep = build_report(2024, date(2025, 2, 10), pubs, [late], crawls)
    row = _status(rep, "t1")
    assert (row["status"], row["days_late"], row["published"], row["date_source"]) == ("late", 10, "2025-02-10", "shown")
    assert row["findings"][0]["code"] == "LATE" and "10 天" in row["findings"][0]["message"]
    assert rep["counts"]["late"] == 1 and rep["counts"]["missing"] == 1


def test_on_time_and_implausible_dates() -> None:
    ok = report("t1", "http://h/202501/t20250118_1.html", "2025-01-19T08:00", "2025-01-18T10:02")
    future = report("t2", "http://h/a.html", "2025-01-19T08:00", "2025-03-01")  # after first seen
    rep = build_report(2024, date(2025, 2, 5), [TOWN, TOWN2], [ok, future], [crawl("2025-02-05")])
    assert _status(rep, "t1")["status"] == "on_time"
    row = _status(rep, "t2")
    assert row["status"] == "on_time" and row["date_source"] == "first_seen" and row["published"] == "2025-01-19"


def test_date_conflict_with_metadata() -> None:
    # a page showing 2022-01-28 whose metadata says 2022-03-02 (seen on real pages)
    s = ReportSighting(1, "t1", 2021, "http://h/x.html", datetime(2022, 3, 3), datetime(2022, 1, 28),
                       meta_dates={"metadata": {"成文日期": "2022-03-02"}})
    rep = build_report(2021, date(2022, 4, 1), [TOWN], [s], [crawl("2022-03-03", urls=("http://h/x.html",))])
    row = rep["publishers"][0]
    codes = [f["code"] for f in row["findings"]]
    assert "DATE_CONFLICT" in codes and row["status"] == "late" and row["published"] == "2022-03-03"


def test_backdated_with_both_crawls_as_evidence() -> None:
    url = "http://h/202501/t20250125_9.html"
    s = report("t1", url, "2025-02-06T09:00", "2025-01-25")
    crawls = [crawl("2025-02-01T09:00"), crawl("2025-02-06T09:00", urls=(url,))]
    row = build_report(2024, date(2025, 2, 6), [TOWN], [s], crawls)["publishers"][0]
    back = next(f for f in row["findings"] if f["code"] == "BACKDATED")
    assert back["evidence"]["without"]["crawled_at"].startswith("2025-02-01")
    assert back["evidence"]["with"]["crawled_at"].startswith("2025-02-06")
    assert row["status"] == "late" and row["days_late"] == 6  # first seen is used, not the shown date


def test_rollup_levels() -> None:
    rep = build_report(2024, date(2025, 2, 1), [TOWN, TOWN2, GOV, OTHER], [],
                       [crawl("2025-02-01T09:00")])
    counties = rollup(rep, "county")
    assert [(r["county"], r["counts"]["missing"], r["total"]) for r in counties] == [("孟津区", 2, 3), ("新安县", 0, 1)]
    assert rollup(rep, "province")[0]["total"] == 4
    assert len(rollup(rep, "township")) == 4


def test_evaluate_reads_the_crawler_tables(settings) -> None:
    from crawler.models import Document, PublisherRow, Version
    from crawler.models import ListingCrawl as CrawlRow
    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    init_db(engine)
    url = "http://127.0.1.1:8800/202502/t20250210_1.html"
    with make_session_factory(engine)() as s:
        for p in (TOWN, TOWN2, OTHER):
            s.add(PublisherRow(id=p.id, name=p.name, level=p.level, province=p.province, city=p.city,
                               county=p.county, code=p.code, entry_url=p.entry_url))
        s.flush()
        doc = Document(publisher_id="t1", url=url, year=2024, first_seen=datetime(2025, 2, 10, 16),
                       last_seen=datetime(2025, 2, 11), published_shown=datetime(2025, 2, 10, 15, 59))
        s.add(doc)
        s.flush()
        for seq in (1, 2):
            s.add(Version(document_id=doc.id, seq=seq, sha256=f"{seq}" * 64, norm_sha256="n", fetched_at=datetime(2025, 2, 10 + seq)))
        for run, day, urls in (("r1", datetime(2025, 2, 1), []), ("r2", datetime(2025, 2, 10, 16), [url])):
            s.add(CrawlRow(run_id=run, entry_url=ENTRY, url=ENTRY, host="127.0.1.1", crawled_at=day,
                           status="ok", ok=True, report_urls=urls))
            s.add(CrawlRow(run_id=run, entry_url=ENTRY, url=ENTRY + "?page=2", host="127.0.1.1",
                           crawled_at=day, status="ok", ok=True, report_urls=[]))
        s.commit()
        rep = evaluate(s, 2024, date(2025, 2, 11), county="孟津区", grace_days=0, rules=DeadlineRules())
    assert rep["counts"] == {"on_time": 0, "late": 1, "missing": 1, "not_due": 0, "unknown": 0}
    row = _status(rep, "t1")
    assert row["days_late"] == 10 and "MODIFIED" in [f["code"] for f in row["findings"]]


def test_bad_rollup_level() -> None:
    from nianbao.errors import UsageError

    with pytest.raises(UsageError):
        rollup({"publishers": []}, "planet")
