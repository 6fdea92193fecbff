"""Discovery on simulated webs whose every site serves one JSON-driven family, against the
ground truth: Guangdong's gkmlpt (a Vue shell and its `/gkmlpt/api/all/<column>` JSON) and
开普云 jpaas (a list unit answering rendered HTML, the page number inside `paramJson`); and a
crawl of gkmlpt answers that cannot be read (garbage, a page that repeats page 1, a 404 past
page 1): recorded, never a stall."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from sqlalchemy import select

from crawler.engine import run_crawl
from crawler.models import Document, ListingCrawl
from crawler.registry import load_registry
from tests.conftest import own_state_db

from .crawler_httpd import Server, html
from .crawler_world import (
    family_world,
    found_once_and_nothing_else,
)

# per family: what the evidence must show (page 1 of a column, a later page with its range)
EVIDENCE = {
    "gkmlpt": ["/gkmlpt/api/all/2601?page=1&sid=440017#family=gkmlpt&page=1",  # column from #2601
               "/gkmlpt/api/all/2600?page=2&sid=440000#family=gkmlpt&page=2&records=11-20"],
    "jpaas": ["/front/page/build/unit?parseType=bulidstatic&webId=3549",
              "paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A%2220%22%7D#family=jsonlist&page=2&records=21-40"],
}
API = {"gkmlpt": "/gkmlpt/api/", "jpaas": "/front/page/build/unit"}


@pytest.fixture(scope="module", params=sorted(EVIDENCE))
def gk(request, tmp_path_factory):
    # each family's world in its own state database
    with own_state_db(request), family_world(tmp_path_factory.mktemp(request.param), request.param) as w:
        w.family = request.param
        yield w


def test_every_visible_report_found_once_and_nothing_else(gk):
    found_once_and_nothing_else(gk)


def test_evidence_names_column_pages_and_ranges(gk):
    with gk.session() as s:
        rows = s.scalars(select(ListingCrawl)).all()
    assert rows and all(r.status == "ok" for r in rows)  # no page past the end was asked (404)
    urls = [r.url for r in rows]
    for part in EVIDENCE[gk.family]:
        assert any(part in u for u in urls), part
    assert not any("/api/all/1?" in u or "/api/all/5?" in u or "/api/all/11?" in u for u in urls)
    listed = {u for r in rows if API[gk.family] in r.url for u in r.report_urls}
    assert set(gk.truth()) <= listed  # every report came from the data endpoint, not the page chrome


def test_second_crawl_finds_nothing_new(gk):
    summary = gk.crawl()
    assert summary.total("new") == summary.total("changed") == summary.total("errors") == 0


R = "政府信息公开工作年度报告"


def _shell(sid: str, column: int) -> tuple:
    tree = [{"id": column, "name": "政府信息公开年报", "children": []}]
    return html(f"<div id='app'></div><script>window._CONFIG = {{SID: '{sid}', "
                f"TREE: {json.dumps(tree, ensure_ascii=False)}, SERVICE_AREA_ID: 0}};</script>")


def _json(data: object) -> tuple:
    return 200, [("Content-Type", "application/json")], json.dumps(data, ensure_ascii=False).encode()


def test_unreadable_answers_are_recorded_and_the_crawl_goes_on(tmp_path, settings):
    s = settings.model_copy(update={"crawl_delay_seconds": 0.01, "crawl_retries": 1})
    page1 = {"total": 3, "offset": 0, "articles": [
        {"id": 1, "title": "甲镇人民政府2024年" + R, "url": "/gkmlpt/content/0/0/post_1.html"},
        {"id": 2, "title": "乙镇人民政府2024年" + R, "url": "/gkmlpt/content/0/0/post_2.html"}]}
    with Server() as srv:
        srv.routes["/robots.txt"] = (200, [("Content-Type", "text/plain")], b"")
        srv.routes["/a/gkmlpt/annualreport"] = _shell("11", 100)  # garbage answer
        srv.routes["/a/gkmlpt/api/all/100"] = html("<html>访问过于频繁，请稍后再试</html>")
        srv.routes["/b/gkmlpt/annualreport"] = _shell("22", 200)  # ignores `page`: a loop
        srv.routes["/b/gkmlpt/api/all/200"] = _json(page1)
        srv.routes["/c/gkmlpt/annualreport"] = _shell("33", 300)  # page 2 is a 404
        srv.routes["/c/gkmlpt/api/all/300"] = lambda h: (
            _json(page1) if "page=1&" in h.path else (404, [("Content-Type", "text/html")], b"404"))
        for n in (1, 2):
            srv.routes[f"/gkmlpt/content/0/0/post_{n}.html"] = html(
                f"<h1>{'甲乙'[n - 1]}镇人民政府2024年{R}</h1><p>发布时间：2025-01-1{n}</p>")
        reg = tmp_path / "publishers.yaml"
        reg.write_text(yaml.safe_dump({"publishers": [
            {"id": f"p{x}", "name": f"{x}镇人民政府", "level": "township",
             "entry_url": f"{srv.base}/{x}/gkmlpt/annualreport"} for x in "abc"]},
            allow_unicode=True), encoding="utf-8")
        started = time.monotonic()
        summary = run_crawl(s, load_registry(reg))
        assert time.monotonic() - started < 60
        assert srv.paths().count("/b/gkmlpt/api/all/200?page=2&sid=22") == 1  # asked once, not looped
    from nianbao.db import make_engine, make_session_factory

    with make_session_factory(make_engine(s.database_url))() as db:
        rows = {r.url.removeprefix(srv.base): r for r in db.scalars(select(ListingCrawl))}
        docs = {d.url.removeprefix(srv.base) for d in db.scalars(select(Document))}
    garbage = rows["/a/gkmlpt/api/all/100?page=1&sid=11#family=gkmlpt&page=1"]
    assert garbage.status == "failed" and "not JSON" in garbage.error
    loop = rows["/b/gkmlpt/api/all/200?page=2&sid=22#family=gkmlpt&page=2&records=3-3"]
    assert loop.status == "failed" and "offset" in loop.error
    gone = rows["/c/gkmlpt/api/all/300?page=2&sid=33#family=gkmlpt&page=2&records=3-3"]
    assert gone.status == "failed" and "404" in gone.error
    assert docs == {"/gkmlpt/content/0/0/post_1.html", "/gkmlpt/content/0/0/post_2.html"}
    assert summary.total("errors") >= 2  # the two unreadable answers (a 404 is not an error)
