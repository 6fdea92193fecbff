"""The whole crawl on a small hand-written site (real HTTP): direct attachment links, robots,
neighbours that are not reports, links to hosts outside the registry."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from crawler.engine import run_crawl
from crawler.models import Document, Fetch, ListingCrawl, Version
from crawler.registry import load_registry

from .crawler_httpd import Server, html

ROBOTS = (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\n")


def _site(srv: Server, other: Server) -> None:
    srv.routes["/robots.txt"] = ROBOTS
    srv.routes["/ndbg/index.html"] = html(f"""<html><body><ul>
<li><a href="/ndbg/a.html">热水镇人民政府2024年政府信息公开工作年度报告</a> 2025-01-10</li>
<li><a href="/files/b.pdf">土桥镇2024年政府信息公开工作年度报告.pdf</a><span>2025-01-12</span></li>
<li><a href="/private/c.html">泉水镇2024年政府信息公开工作年度报告</a></li>
<li><a href="/ndbg/d.html">热水镇2024年度政府信息公开工作自查报告</a></li>
<li><a href="{other.base}/e.html">暖水镇2024年政府信息公开工作年度报告</a></li>
</ul><a href="index_1.html">下一页</a></body></html>""", "gbk")
    srv.routes["/ndbg/index_1.html"] = html("""<html><body><ul>
<li><a href="/ndbg/f.html">某某乡2023年政府信息公开工作年度报告</a></li></ul></body></html>""")
    srv.routes["/ndbg/a.html"] = html("<h1>热水镇</h1><p>发布时间：2025-01-10 09:30</p>"
                                      "<p>一、总体情况 依申请公开 …</p><table><tr><td>1</td></tr></table>")
    srv.routes["/files/b.pdf"] = (200, [("Content-Type", "application/pdf")], b"%PDF-1.4 fake report")
    srv.routes["/ndbg/f.html"] = html("<p>发布日期：2024-01-20</p><p>总体情况 依申请公开</p>")
    other.routes["/robots.txt"] = ROBOTS
    other.routes["/e.html"] = html("<p>elsewhere</p>")


def test_small_site_end_to_end(tmp_path, settings):
    s = settings.model_copy(update={"crawl_delay_seconds": 0.02, "crawl_retries": 1})
    with Server() as other, Server() as srv:
        _site(srv, other)
        base = srv.base
        reg = tmp_path / "publishers.yaml"
        reg.write_text(yaml.safe_dump({"publishers": [
            {"id": f"p{i}", "name": name, "level": "township", "county": "汝城县",
             "entry_url": f"{base}/ndbg/index.html"}
            for i, name in enumerate(["热水镇人民政府", "土桥镇人民政府", "泉水镇人民政府", "暖水镇人民政府"])]},
            allow_unicode=True), encoding="utf-8")
        summary = run_crawl(s, load_registry(reg))
        assert "/private/c.html" not in srv.paths() and "/ndbg/d.html" not in srv.paths()
        assert other.log == []
    from nianbao.db import make_engine, make_session_factory

    with make_session_factory(make_engine(s.database_url))() as db:
        docs = {d.url.removeprefix(base): d for d in db.scalars(select(Document))}
        assert set(docs) == {"/ndbg/a.html", "/files/b.pdf", "/ndbg/f.html"}
        a, b, f = docs["/ndbg/a.html"], docs["/files/b.pdf"], docs["/ndbg/f.html"]
        assert (a.publisher_id, a.year, str(a.published_shown)) == ("p0", 2024, "2025-01-10 09:30:00")
        assert (b.publisher_id, str(b.published_shown)) == ("p1", "2025-01-12 00:00:00")  # the list's date
        assert f.publisher_id is None and f.year == 2023  # unmatched, kept
        v = db.scalar(select(Version).where(Version.document_id == b.id))
        assert (v.content_type, v.filename) == ("application/pdf", "b.pdf")
        listing = db.scalars(select(ListingCrawl).order_by(ListingCrawl.id)).all()
        assert [r.status for r in listing] == ["ok", "ok"]
        assert f"{other.base}/e.html" in listing[0].report_urls  # evidence, though never fetched
        outcomes = {r.url.removeprefix(base): r.outcome for r in db.scalars(select(Fetch))}
        assert outcomes["/private/c.html"] == "robots"
    assert summary.unmatched == 1 and summary.total("new") == 3
