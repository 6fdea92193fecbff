"""What other people's servers send does not fit every column, and PostgreSQL (unlike SQLite)
enforces column lengths: a crawl of a site with over-long headers, file names, organ names and
links finishes, on both backends, keeping what fits (real HTTP; the PostgreSQL run of the suite
is where this failed before)."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from crawler.engine import run_crawl
from crawler.models import Document, HttpCache, ListingCrawl, Version
from crawler.registry import load_registry
from nianbao.db import make_engine, make_session_factory

from .crawler_httpd import Server, html

LONG_ETAG = '"' + "e" * 400 + '"'  # http_cache.etag is 300
LONG_DATE = "Mon, 06 Jan 2025 08:00:00 GMT; " + "x" * 100  # last_modified is 100
LONG_TYPE = "text/html; charset=utf-8; profile=" + "p" * 300  # content_type is 200
LONG_FILE = "r" * 350 + ".pdf"  # versions.filename is 300
LONG_ORGAN = "某" * 250  # documents.organ is 200
URL_MAX = 1000  # documents.url, versions.source_url, http_cache.url


def test_over_long_values_are_cut_dropped_or_left(tmp_path, settings):
    s = settings.model_copy(update={"crawl_delay_seconds": 0.01, "crawl_retries": 0})
    with Server() as srv:
        too_long = f"/ndbg/x.html?{'q' * URL_MAX}"  # no URL column can hold it
        srv.routes["/robots.txt"] = (200, [("Content-Type", "text/plain")], b"User-agent: *\n")
        srv.routes["/ndbg/index.html"] = html(f"""<html><body><ul>
<li><a href="/ndbg/a.html">热水镇人民政府2024年政府信息公开工作年度报告</a></li>
<li><a href="/files/{LONG_FILE}">土桥镇2024年政府信息公开工作年度报告.pdf</a></li>
<li><a href="/ndbg/o.html">{LONG_ORGAN}2024年政府信息公开工作年度报告</a></li>
<li><a href="{too_long}">泉水镇2024年政府信息公开工作年度报告</a></li>
</ul></body></html>""")
        srv.routes["/ndbg/a.html"] = (200, [("Content-Type", LONG_TYPE), ("ETag", LONG_ETAG),
                                           ("Last-Modified", LONG_DATE)],
                                      "<p>发布时间：2025-01-10</p><p>一、总体情况 依申请公开</p>".encode())
        srv.routes[f"/files/{LONG_FILE}"] = (200, [("Content-Type", "application/pdf")], b"%PDF-1.4 report")
        srv.routes["/ndbg/o.html"] = html("<p>发布时间：2025-01-11</p><p>一、总体情况 依申请公开</p>")
        reg = tmp_path / "publishers.yaml"
        reg.write_text(yaml.safe_dump({"publishers": [
            {"id": f"p{i}", "name": name, "level": "township", "entry_url": f"{srv.base}/ndbg/index.html"}
            for i, name in enumerate(["热水镇人民政府", "土桥镇人民政府"])]}, allow_unicode=True),
            encoding="utf-8")
        summary = run_crawl(s, load_registry(reg))
        assert not any(p.startswith("/ndbg/x.html") for p in srv.paths())  # not followed
        base = srv.base

    engine = make_engine(s.database_url)
    with make_session_factory(engine)() as db:
        docs = {d.url.removeprefix(base): d for d in db.scalars(select(Document))}
        assert set(docs) == {"/ndbg/a.html", f"/files/{LONG_FILE}", "/ndbg/o.html"}
        assert docs["/ndbg/o.html"].organ == LONG_ORGAN[:200]  # free text: cut
        v = db.scalar(select(Version).where(Version.document_id == docs[f"/files/{LONG_FILE}"].id))
        assert v.filename == LONG_FILE[:300]
        v = db.scalar(select(Version).where(Version.document_id == docs["/ndbg/a.html"].id))
        assert v.content_type == "text/html"
        cache = db.get(HttpCache, f"{base}/ndbg/a.html")
        assert cache is not None and cache.etag is None and cache.last_modified is None  # a cut one would never match
        assert cache.content_type == LONG_TYPE[:200]
        listing = db.scalar(select(ListingCrawl))
        assert listing.status == "ok" and f"{base}{too_long}" in listing.report_urls  # the evidence keeps it
    engine.dispose()
    assert summary.total("new") == 3
