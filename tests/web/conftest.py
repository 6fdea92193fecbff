"""Fixtures for the portal: a small corpus indexed through indexer.store into the real
Elasticsearch, a state DB with registry rows and listing crawls, and the Flask app."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

ENTRY_MJ = "http://127.0.1.1:8800/mj/col/nb/index.html"
ENTRY_YY = "http://127.0.1.2:8800/yy/col/nb/index.html"
TODAY = "2025-03-15"


def t3(new_np: int | None, new_total: int) -> dict[str, Any]:
    cols = ("natural_person", "business", "research", "public_interest", "legal_services", "other_org")
    row = {c: 0 for c in cols}
    row["natural_person"] = new_np
    row["total"] = new_total
    return {"new": row, "carried_over": {**{c: 0 for c in cols}, "total": 0},
            "granted": {**{c: 0 for c in cols}, "natural_person": new_total, "total": new_total},
            "results_total": {**{c: 0 for c in cols}, "natural_person": new_total, "total": new_total},
            "carried_forward": {**{c: 0 for c in cols}, "total": 0}}


def report(pid: str, organ: str, place: str, county: str, year: int, published: str, *,
           text: str = "", findings: list[dict] | None = None, timeliness: str = "on_time",
           days_late: int | None = None, city: str = "洛阳市", province: str = "河南省",
           np_new: int | None = 2, sha: str | None = None) -> dict[str, Any]:
    title = f"{organ}{year}年政府信息公开工作年度报告"
    sections = [
        {"number": 1, "heading": "一、总体情况", "text": text or f"{year}年，{organ}认真贯彻落实《条例》。主动公开政府信息共 120 条。"},
        {"number": 2, "heading": "二、主动公开政府信息情况", "text": ""},
        {"number": 3, "heading": "三、收到和处理政府信息公开申请情况", "text": ""},
        {"number": 4, "heading": "四、政府信息公开行政复议、行政诉讼情况", "text": ""},
        {"number": 5, "heading": "五、存在的主要问题及改进情况", "text": "工作人员业务能力有待提高。"},
        {"number": 6, "heading": "六、其他需要报告的事项", "text": "本年度未收取信息处理费。"},
    ]
    return {
        "title": title, "organ": organ, "place": place, "county": county, "city": city,
        "province": province, "year": year, "published": published, "template": "2021",
        "script": "simplified", "sections": sections,
        "meta_sources": {"title": "title", "organ": "title", "place": "title", "county": "title",
                         "year": "title", "published": "page"},
        "narrative": {"proactive_items": {"value": 120, "approx": False},
                      "applications_received": {"value": 2, "approx": False}},
        "active": {"regulations": {"issued": 0, "repealed": 0, "in_force": 0},
                   "normative_documents": {"issued": 1, "repealed": 0, "in_force": 3},
                   "licensing": 5, "penalty": 0, "enforcement": 0, "fees": 0},
        "applications": t3(np_new, 2),
        "appeals": {g: {"upheld": 0, "corrected": 1 if g == "review" else 0, "other": 0,
                        "pending": 0, "total": 1 if g == "review" else 0}
                    for g in ("review", "litigation_direct", "litigation_after_review")},
        "findings": findings or [],
        # ES metadata (what the indexer adds)
        "publisher_id": pid, "url": f"http://127.0.1.1:8800/mj/{pid}-{year}.html",
        "archive_sha256": sha or ("a" * 63 + str(year % 10)), "fetched_at": published,
        "first_seen": published, "deadline": f"{year + 1}-01-31", "days_late": days_late,
        "timeliness": timeliness, "format": "html",
    }


ROW_SUM = {"code": "T3_ROW_SUM", "severity": "error",
           "message": "本年新收一行：各列之和 0 不等于总计 2",
           "cells": ["applications.new.natural_person", "applications.new.total"]}

CORPUS = [
    report("mj-cy", "孟津区朝阳镇人民政府", "朝阳镇", "孟津区", 2024, "2025-01-18T10:02:00+08:00",
           text="2024年，朝阳镇收到行政复议申请1件，结果纠正。主动公开政府信息共 120 条。",
           findings=[ROW_SUM], np_new=None),
    report("mj-pl", "孟津区平乐镇人民政府", "平乐镇", "孟津区", 2024, "2025-02-10T15:59:00+08:00",
           timeliness="late", days_late=10, text="平乐镇依申请公开工作平稳有序。"),
    report("mj-cy", "孟津区朝阳镇人民政府", "朝阳镇", "孟津区", 2023, "2024-01-20T09:00:00+08:00"),
    report("yy-xx", "偃师区<script>alert(1)</script>镇人民政府", "<b>镇</b>", "偃师区", 2024,
           "2025-01-25T09:00:00+08:00", text="恶意内容 <script>alert('x')</script> & <img src=x onerror=alert(1)> 测试。"),
]


def index_corpus(es: Any, prefix: str, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from indexer import store

    store.ensure_indices(es, prefix)
    built = [store.build_doc(d) for d in docs]
    ok, errors = store.index_reports(es, prefix, built, refresh=True)
    assert not errors, errors
    return built


@pytest.fixture(scope="session")
def corpus(es, es_prefix) -> dict[str, Any]:
    prefix = f"{es_prefix}-web"
    docs = index_corpus(es, prefix, CORPUS)
    return {"prefix": prefix, "ids": {(d["publisher_id"], d["year"]): d["id"] for d in docs}}


def fill_db(url: str) -> None:
    from crawler.models import Document, ListingCrawl, PublisherRow, Version
    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(url)
    init_db(engine)
    s = make_session_factory(engine)()
    for pid, name, county, city, entry in (
        ("mj-cy", "孟津区朝阳镇人民政府", "孟津区", "洛阳市", ENTRY_MJ),
        ("mj-pl", "孟津区平乐镇人民政府", "孟津区", "洛阳市", ENTRY_MJ),
        ("mj-hs", "孟津区会盟镇人民政府", "孟津区", "洛阳市", ENTRY_MJ),
        ("yy-xx", "偃师区某镇人民政府", "偃师区", "洛阳市", ENTRY_YY),
    ):
        s.add(PublisherRow(id=pid, name=name, level="township", province="河南省", city=city,
                           county=county, code="", entry_url=entry))
    s.flush()
    for d in CORPUS:
        if d["year"] != 2024:
            continue
        pub = datetime.fromisoformat(d["published"]).replace(tzinfo=None)
        doc = Document(publisher_id=d["publisher_id"], url=d["url"], entry_url=ENTRY_MJ,
                       title=d["title"], organ=d["organ"], year=2024, published_shown=pub,
                       first_seen=pub, last_seen=pub, status="live", current_sha256=d["archive_sha256"])
        s.add(doc)
        s.flush()
        s.add(Version(document_id=doc.id, seq=1, sha256=d["archive_sha256"], norm_sha256="n",
                      fetched_at=pub, content_type="text/html"))
    for entry, urls in ((ENTRY_MJ, [CORPUS[0]["url"], CORPUS[1]["url"]]), (ENTRY_YY, [CORPUS[3]["url"]])):
        s.add(ListingCrawl(run_id="r1", entry_url=entry, url=entry, host="127.0.1.1",
                           crawled_at=datetime(2025, 3, 1, 8, 0), status="ok", ok=True,
                           report_urls=urls))
    s.commit()
    s.close()
    engine.dispose()


@pytest.fixture()
def app(settings, es, corpus):
    from web import create_app

    s = settings.model_copy(update={"es_index_prefix": corpus["prefix"], "admin_password": "test-pass-123"})
    fill_db(s.database_url)
    return create_app({"TESTING": True, "NIANBAO_SETTINGS": s, "NIANBAO_ES": es,
                       "NIANBAO_TODAY": TODAY})


@pytest.fixture()
def client(app):
    return app.test_client()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)


def login(client) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "admin", "password": "test-pass-123",
                                    "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
