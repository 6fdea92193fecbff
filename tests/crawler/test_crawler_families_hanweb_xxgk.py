"""大汉's 信息公开目录 module (`loadDynamic(…/module/xxgk/search.jsp…)`): a simulated web whose
every site serves it, against the ground truth; and a crawl of answers that cannot be read
(garbage, a page that repeats page 1, a 404 past page 1): recorded, never a stall."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest
import yaml
from sqlalchemy import select

from crawler.engine import run_crawl
from crawler.families import ListRequest, detect, read_list
from crawler.models import Document, ListingCrawl
from crawler.registry import load_registry

from .crawler_httpd import Server, html
from .crawler_world import (
    family_world,
    found_once_and_nothing_else,
)

R = "政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def hx(tmp_path_factory):
    with family_world(tmp_path_factory.mktemp("hanweb_xxgk"), "hanweb_xxgk") as w:
        yield w


def test_every_visible_report_found_once_and_nothing_else(hx):
    found_once_and_nothing_else(hx)


def test_evidence_names_the_posted_pages(hx):
    with hx.session() as s:
        rows = s.scalars(select(ListingCrawl)).all()
    assert rows and all(r.status == "ok" for r in rows)  # no page past the end was asked
    urls = [r.url for r in rows]
    assert any("/module/xxgk/search.jsp?infotypeId=NB001&" in u and "#family=hanweb_xxgk&page=1&post=" in u
               for u in urls)
    assert any("#family=hanweb_xxgk&page=2&records=16-30&post=" in u and "currpage%3D2" in u for u in urls)
    listed = {u for r in rows if "/module/xxgk/search.jsp" in r.url for u in r.report_urls}
    assert set(hx.truth()) <= listed  # every report came from the POSTed fragment, not the chrome


def test_second_crawl_finds_nothing_new(hx):
    summary = hx.crawl()
    assert summary.total("new") == summary.total("changed") == summary.total("errors") == 0


def _column(infotype: str) -> tuple:
    return html("<div id='div9'></div><script>var a='';loadDynamic('/module/xxgk/search.jsp?infotypeId="
                f"{infotype}'+a+'&vc_title='+encodeURI(b)+'&area=A1', 'div9', '0','1000','7','3', '', '');</script>")


def _rows(*titles: str, pages: int = 2) -> str:
    rows = "".join(f"<tr class='tr_main_value_odd'><td>1</td><td><a href='/art/{n}.html' title='{t}' "
                   f"mc='{t}'>{t[:24]}…</a></td><td>x</td><td>2025-01-0{n}</td></tr>"
                   for n, t in enumerate(titles, 1))
    return f"<table>{rows}</table><table class='tb_title'><tr><td>共{len(titles) * pages}条记录 第1页/共{pages}页</td></tr></table>"


def test_column_call_read_into_the_post_and_pages():
    col = _column("ND1")[2].decode()
    url = "http://x.invalid/col/col9/index.html"
    assert detect(col, url) == "hanweb_xxgk"
    first = read_list(col, ListRequest(url), url).requests[0]
    form = dict(first.form)
    assert first.method == "POST" and first.url.startswith("http://x.invalid/module/xxgk/search.jsp?infotypeId=ND1&")
    assert (form["infotypeId"], form["jdid"], form["divid"], form["currpage"]) == ("ND1", "3", "div9", "")
    assert "area" not in [k for k, _v in first.form][:3]  # the URL names the area: not added first
    # the entry URL's infotypeId picks another sub-column
    other = read_list(col, ListRequest(url + "?infotypeId=ND7"), url + "?infotypeId=ND7").requests[0]
    assert dict(other.form)["infotypeId"] == "ND7" and "infotypeId=ND7" in other.url
    answer = read_list(_rows("甲镇2024年" + R, "关于印发2025年政务公开工作要点的通知", pages=3), first, url)
    assert [link.url for link in answer.reports] == ["http://x.invalid/art/1.html"]  # the whole title (mc)
    assert [(r.page, dict(r.form)["currpage"], r.records) for r in answer.requests] == \
        [(2, "2", (3, 4)), (3, "3", (5, 6))]
    # no call in the page: a recorded error, no guess
    bare = read_list("<div>政府信息公开</div>", ListRequest(url), url, "hanweb_xxgk")
    assert bare.requests == [] and "loadDynamic" in (bare.error or "")


def test_unreadable_answers_are_recorded_and_the_crawl_goes_on(tmp_path, settings):
    s = settings.model_copy(update={"crawl_delay_seconds": 0.01, "crawl_retries": 1})
    page1 = _rows("甲镇人民政府2024年" + R, "乙镇人民政府2024年" + R)

    def paged(page2):
        def route(h):
            asked = dict(parse_qsl(h.body.decode()))
            return html(page1) if asked.get("currpage", "") in ("", "1") else page2
        return route

    with Server() as srv:
        srv.routes["/robots.txt"] = (200, [("Content-Type", "text/plain")], b"")
        for x in "abc":
            srv.routes[f"/{x}/col/col9/index.html"] = html(_column(x.upper())[2].decode()
                                                           .replace("'/module", f"'/{x}/module"))
        srv.routes["/a/module/xxgk/search.jsp"] = html("<html><body>访问过于频繁，请稍后再试</body></html>")
        srv.routes["/b/module/xxgk/search.jsp"] = lambda h: html(page1)  # ignores currpage: a loop
        srv.routes["/c/module/xxgk/search.jsp"] = paged((404, [("Content-Type", "text/html")], b"404"))
        for n in (1, 2):
            srv.routes[f"/art/{n}.html"] = html(f"<h1>{'甲乙'[n - 1]}镇人民政府2024年{R}</h1><p>发布时间：2025-01-1{n}</p>")
        reg = tmp_path / "publishers.yaml"
        reg.write_text(yaml.safe_dump({"publishers": [
            {"id": f"p{x}", "name": f"{x}镇人民政府", "level": "township",
             "entry_url": f"{srv.base}/{x}/col/col9/index.html"} for x in "abc"]},
            allow_unicode=True), encoding="utf-8")
        started = time.monotonic()
        summary = run_crawl(s, load_registry(reg))
        assert time.monotonic() - started < 60
        posts = [p for p in srv.paths() if p.startswith("/b/module/xxgk/search.jsp")]
        assert len(posts) == 2  # page 1 and page 2 once: not looped
    from nianbao.db import make_engine, make_session_factory

    with make_session_factory(make_engine(s.database_url))() as db:
        rows = [r for r in db.scalars(select(ListingCrawl)) if "/module/xxgk/" in r.url]
        docs = {d.url.removeprefix(srv.base) for d in db.scalars(select(Document))}
    by = {(r.url.removeprefix(srv.base)[:2], dict(parse_qsl(r.url.split("#", 1)[1])).get("page")): r for r in rows}
    assert by[("/a", "1")].status == "failed" and "not a directory list" in by[("/a", "1")].error
    assert by[("/b", "2")].status == "failed" and "repeats page 1" in by[("/b", "2")].error
    assert by[("/c", "2")].status == "failed" and "404" in by[("/c", "2")].error
    assert by[("/b", "1")].status == by[("/c", "1")].status == "ok"
    assert docs == {"/art/1.html", "/art/2.html"}
    assert summary.total("errors") >= 2  # the two unreadable answers (a 404 is not an error)
