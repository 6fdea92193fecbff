"""The monitor's findings written back into the Elasticsearch report documents (real ES):
DUPLICATE_TEXT with its similarity on both copies, LATE with the days, BACKDATED, MODIFIED and
REMOVED — visible to `finding:` searches, facets and the report page."""

from __future__ import annotations

import uuid
from datetime import date

from indexer.search import get_report, search
from indexer.store import build_doc, ensure_indices, index_reports, mark_removed, set_extra_findings
from monitor import alerts

from .conftest import add_crawl, add_report

URL1 = "http://127.0.1.1:8800/202501/t20250118_1.html"
URL2 = "http://127.0.1.1:8800/202501/t20250121_2.html"
URL3 = "http://127.0.1.1:8800/202502/t20250203_3.html"
BALANCE = {"code": "T3_BALANCE", "severity": "error", "message": "总计列不平衡", "cells": ["applications.new.total"]}


def _doc(pid: str, url: str, organ: str, text: str, findings: list[dict] | None = None) -> dict:
    report = {"title": f"{organ}2024年政府信息公开工作年度报告", "organ": organ, "year": 2024,
              "county": "孟津区", "city": "洛阳市", "province": "河南省", "text": text,
              "findings": findings or [], "sections": [{"number": 1, "heading": "总体情况", "text": text}]}
    return build_doc(report, {"publisher_id": pid, "url": url})


def _prefix(settings, es, es_prefix: str) -> str:
    prefix = f"{es_prefix}-df{uuid.uuid4().hex[:6]}"
    settings.es_index_prefix = prefix
    ensure_indices(es, prefix)
    return prefix


def _codes(es, prefix: str, rid: str) -> dict[str, dict]:
    return {f["code"]: f for f in get_report(es, prefix, rid)["findings"]}


def test_duplicates_stored_on_both_reports(settings, db, es, es_prefix, seeds_dir) -> None:
    prefix = _prefix(settings, es, es_prefix)
    seed = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    index_reports(es, prefix, [_doc("mj-cy", URL1, "孟津区朝阳镇人民政府", seed)], refresh=True)
    add_report(db, "mj-cy", URL1, "2025-01-18T12:00", "2025-01-18T10:02", "朝阳镇报告")
    alerts.run(settings, date(2025, 1, 18), session=db, es=es)
    assert "DUPLICATE_TEXT" not in get_report(es, prefix, "mj-cy-2024")["finding_codes"]

    copy = seed.replace("朝阳镇", "会盟镇").replace("391", "77")
    index_reports(es, prefix, [_doc("mj-hs", URL2, "孟津区会盟镇人民政府", copy, [BALANCE])], refresh=True)
    add_report(db, "mj-hs", URL2, "2025-01-21T12:00", "2025-01-21T10:00", "会盟镇报告")
    alerts.run(settings, date(2025, 1, 22), session=db, es=es)

    new = _codes(es, prefix, "mj-hs-2024")
    assert new["DUPLICATE_TEXT"]["similar_to"] == "mj-cy-2024" and new["DUPLICATE_TEXT"]["similarity"] >= 0.8
    assert "相似度" in new["DUPLICATE_TEXT"]["message"] and "T3_BALANCE" in new  # the parser's kept
    old = _codes(es, prefix, "mj-cy-2024")  # the earlier report it copies is flagged too
    assert old["DUPLICATE_TEXT"]["similar_to"] == "mj-hs-2024"
    es.indices.refresh(index=f"{prefix}-reports")
    res = search(es, prefix, "finding:DUPLICATE_TEXT")
    assert {h["id"] for h in res.hits} == {"mj-cy-2024", "mj-hs-2024"}
    assert {"value": "DUPLICATE_TEXT", "count": 2} in [{k: f[k] for k in ("value", "count")}
                                                       for f in res.facets["finding"]]
    assert {h["id"] for h in search(es, prefix, '"会盟镇"').hits} == {"mj-hs-2024"}  # phrase field kept

    seq = es.get(index=f"{prefix}-reports", id="mj-hs-2024")["_seq_no"]
    alerts.run(settings, date(2025, 1, 22), session=db, es=es)  # nothing new: nothing rewritten
    assert es.get(index=f"{prefix}-reports", id="mj-hs-2024")["_seq_no"] == seq


def test_late_backdated_modified_removed_on_the_report(settings, db, es, es_prefix) -> None:
    prefix = _prefix(settings, es, es_prefix)
    add_crawl(db, "2025-02-05T09:00", [])  # the column without it, after its shown date
    doc = _doc("mj-pl", URL3, "孟津区平乐镇人民政府", "本年度收到行政复议申请1件。")
    index_reports(es, prefix, [dict(doc, timeliness="on_time", days_late=0)], refresh=True)
    add_crawl(db, "2025-02-10T09:00", [URL3])
    add_report(db, "mj-pl", URL3, "2025-02-10T09:00", "2025-02-03T10:00", "平乐镇报告")
    alerts.run(settings, date(2025, 2, 10), session=db, es=es)

    rep = get_report(es, prefix, "mj-pl-2024")
    found = {f["code"]: f for f in rep["findings"]}
    assert found["LATE"]["days_late"] == 10 and "逾期 10 天" in found["LATE"]["message"]
    assert found["BACKDATED"]["evidence"]["without"]["crawled_at"].startswith("2025-02-05")
    assert (rep["timeliness"], rep["days_late"], rep["deadline"]) == ("late", 10, "2025-01-31")
    es.indices.refresh(index=f"{prefix}-reports")
    assert [h["id"] for h in search(es, prefix, "finding:LATE finding:BACKDATED").hits] == ["mj-pl-2024"]

    index_reports(es, prefix, [doc], refresh=True)  # the indexer re-indexes the edited page
    add_report(db, "mj-pl", URL3, "2025-02-14T09:00", "2025-02-03T10:00", "平乐镇报告", event="modified")
    alerts.run(settings, date(2025, 2, 14), session=db, es=es)
    assert {"LATE", "BACKDATED", "MODIFIED"} <= set(get_report(es, prefix, "mj-pl-2024")["finding_codes"])

    from sqlalchemy import update

    from crawler.models import Document

    db.execute(update(Document).where(Document.url == URL3).values(status="removed"))
    mark_removed(es, prefix, "mj-pl-2024")
    add_report(db, "mj-pl", URL3, "2025-02-20T09:00", "2025-02-03T10:00", "平乐镇报告", event="removed")
    alerts.run(settings, date(2025, 2, 20), session=db, es=es)
    assert "REMOVED" in get_report(es, prefix, "mj-pl-2024")["finding_codes"]


def test_set_extra_findings_merges_and_respects_reviews(es, es_prefix) -> None:
    prefix = f"{es_prefix}-sx{uuid.uuid4().hex[:6]}"
    ensure_indices(es, prefix)
    dup = {"code": "DUPLICATE_TEXT", "severity": "warning", "similarity": 0.9, "message": "相似"}
    doc = dict(_doc("mj-cy", URL1, "孟津区朝阳镇人民政府", "正文", [BALANCE]),
               dismissed_findings=[{"code": "FIGURE_JUMP", "message": "核实无误"}])
    index_reports(es, prefix, [doc], refresh=True)
    jump = {"code": "FIGURE_JUMP", "severity": "info", "message": "增至"}
    assert set_extra_findings(es, prefix, {"mj-cy-2024": {"findings": [dup, jump]},
                                           "nope-2024": {"findings": [dup]}}) == {"mj-cy-2024"}
    got = get_report(es, prefix, "mj-cy-2024")
    assert got["finding_codes"] == ["DUPLICATE_TEXT", "T3_BALANCE"]  # the dismissed one stays out
    assert got["findings"][-1]["similarity"] == 0.9
    set_extra_findings(es, prefix, {"mj-cy-2024": {"findings": [], "codes": ["DUPLICATE_TEXT"]}})  # gone now
    assert get_report(es, prefix, "mj-cy-2024")["finding_codes"] == ["T3_BALANCE"]
