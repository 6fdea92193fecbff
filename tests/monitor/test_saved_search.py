"""Saved searches and findings subscriptions against the real Elasticsearch, restricted to the
newly indexed documents, with the highlighted words and failing cells quoted in the alert."""

from __future__ import annotations

import uuid
from datetime import date

from indexer.store import build_doc, ensure_indices, index_reports
from monitor import alerts, subscriptions

from .conftest import add_report

URL1 = "http://127.0.1.1:8800/202501/t20250118_1.html"
URL2 = "http://127.0.1.1:8800/202501/t20250120_2.html"


def _doc(pid: str, url: str, organ: str, text: str, findings: list[dict]) -> dict:
    report = {"title": f"{organ}2024年政府信息公开工作年度报告", "organ": organ, "year": 2024,
              "county": "孟津区", "city": "洛阳市", "province": "河南省", "text": text, "findings": findings,
              "sections": [{"number": 1, "heading": "总体情况", "text": text}]}
    return build_doc(report, {"publisher_id": pid, "url": url})


def test_saved_search_and_findings_on_new_documents(settings, smtp, receiver, db, es, es_prefix) -> None:
    prefix = f"{es_prefix}-mon{uuid.uuid4().hex[:6]}"
    settings.es_index_prefix = prefix
    ensure_indices(es, prefix)
    balance = {"code": "T3_BALANCE", "severity": "error", "message": "总计列：新收+结转≠总计+结转下年度",
               "cells": ["applications.new.total", "applications.carried_forward.total"]}
    index_reports(es, prefix, [
        _doc("mj-cy", URL1, "孟津区朝阳镇人民政府", "本年度收到行政复议申请1件，结果维持。主动公开政府信息391条。", []),
        _doc("mj-pl", URL2, "孟津区平乐镇人民政府", "本年度未收到政府信息公开申请。", [balance]),
    ], refresh=True)
    search = subscriptions.create(db, settings, kind="saved_search", channel="email", target="j@example.org",
                                  params={"q": "行政复议", "county": "孟津区"})
    subscriptions.confirm(db, search.token)
    miss = subscriptions.create(db, settings, kind="saved_search", channel="webhook", target=receiver.url,
                                params={"q": "信息处理费"})
    receiver.secret = miss.secret
    codes = subscriptions.create(db, settings, kind="findings", channel="feed", params={"codes": ["T3_BALANCE"]})
    add_report(db, "mj-cy", URL1, "2025-01-18T12:00", "2025-01-18T10:02", "孟津区朝阳镇人民政府2024年政府信息公开工作年度报告")
    add_report(db, "mj-pl", URL2, "2025-01-20T12:00", "2025-01-20T10:00", "孟津区平乐镇人民政府2024年政府信息公开工作年度报告")
    smtp.messages.clear()
    stats = alerts.run(settings, date(2025, 1, 21), session=db, es=es)
    assert stats.es and stats.events == 2
    assert len(smtp.messages) == 1 and receiver.requests == []  # the other query matched nothing
    text, html = smtp.bodies()
    assert "朝阳镇" in text and "平乐镇" not in text
    assert "【行政复议】" in text and "<mark>行政复议</mark>" in html
    (ev,) = subscriptions.list_events(db, codes.token)
    assert ev["quote"]["findings"][0]["cells"] == balance["cells"]
    assert alerts.run(settings, date(2025, 1, 21), session=db, es=es).sent == 0  # once only


def test_duplicate_text_alert_from_new_documents(settings, db, es, es_prefix, seeds_dir) -> None:
    prefix = f"{es_prefix}-dup{uuid.uuid4().hex[:6]}"
    settings.es_index_prefix = prefix
    ensure_indices(es, prefix)
    seed = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    url3 = "http://127.0.1.1:8800/202501/t20250121_3.html"
    index_reports(es, prefix, [
        _doc("mj-cy", URL1, "孟津区朝阳镇人民政府", seed, []),
        _doc("mj-hs", url3, "孟津区会盟镇人民政府", seed.replace("朝阳镇", "会盟镇").replace("391", "77"), []),
    ], refresh=True)
    sub = subscriptions.create(db, settings, kind="findings", channel="feed",
                               params={"codes": ["DUPLICATE_TEXT"], "county": "孟津区"})
    add_report(db, "mj-cy", URL1, "2025-01-18T12:00", "2025-01-18T10:02", "朝阳镇报告")
    add_report(db, "mj-hs", url3, "2025-01-21T12:00", "2025-01-21T10:00", "会盟镇报告")
    alerts.run(settings, date(2025, 1, 22), session=db, es=es)
    events = subscriptions.list_events(db, sub.token)
    assert len(events) == 2
    dup = events[0]["quote"]["findings"][0]
    assert dup["code"] == "DUPLICATE_TEXT" and "相似度" in dup["message"]
