"""Every simulated CMS layout (TRS, Hanweb, gkmlpt, plain; UTF-8 and GBK; four ways of showing
the publication time), crawled for a few publishers per site with `--publisher`-style filtering."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.models import Document, ListingCrawl
from nianbao.settings import get_settings

from .crawler_world import start_world


@pytest.fixture()
def demo(tmp_path):
    web, w = start_world(tmp_path, date="2025-02-15", size="demo")
    try:
        yield w
    finally:
        web.stop()


def test_all_layouts_with_publisher_filter(demo):
    w = demo
    layouts = {w.web.world.site(i).layout for i in range(len(w.web.hosts))}
    assert layouts == {"trs", "hanweb", "gkmlpt", "plain"}
    truth = w.truth()
    chosen: dict[str, object] = {}
    for site in range(len(w.web.hosts)):  # two publishers with a visible report on each site
        pubs = sorted({d.publisher_id for d in truth.values() if d.site == site and d.registered})
        chosen.update({p: site for p in pubs[:2]})
    summary = w.crawl(only=set(chosen))
    # and every report whose link names no registered publisher (a bare title, an unregistered
    # body): it may be a chosen one's, which only the page tells
    want = {u: d for u, d in truth.items()
            if d.publisher_id in chosen or not (d.registered and d.names_organ)}
    with w.session() as s:
        docs = {d.url: d for d in s.scalars(select(Document))}
        listings = s.scalars(select(ListingCrawl)).all()
    assert set(docs) == set(want) and summary.total("errors") == 0
    for url, d in docs.items():
        t = want[url]
        matched = t.publisher_id if t.registered and t.names_organ else None  # the rest: the indexer's
        assert (d.publisher_id, d.year, d.title) == (matched, t.year, t.title)  # GBK decoded
        assert d.published_shown.date() == t.published.date(), (w.web.world.site(t.site).layout, url)
    # The whole column was still read (the listing evidence covers every report shown).
    assert set(truth) <= {u for r in listings for u in r.report_urls}


def test_crawl_never_waits_for_libreoffice(tmp_path, monkeypatch, request):
    """The cause of the once-flaky test above: on a fresh machine (empty render cache) a .doc
    attachment was converted by LibreOffice while the crawler waited, past its 2 s timeout
    under CPU load. The world is warmed before the crawl: no conversion happens during it."""
    import simweb.render_docx as render_docx

    monkeypatch.setenv("NIANBAO_RENDER_CACHE", str(tmp_path / "cold-cache"))
    get_settings.cache_clear()  # the variable reaches Settings.render_cache …
    request.addfinalizer(lambda: (monkeypatch.undo(), get_settings.cache_clear()))  # … and leaves
    assert render_docx.cache_dir() == tmp_path / "cold-cache"
    calls: list[str] = []

    def convert(data: bytes, src: str, target: str, timeout: int = 0) -> bytes:
        calls.append(target)
        return b"\xd0\xcf\x11\xe0" + data[:64]  # an OLE2 signature: the crawler only stores it

    monkeypatch.setattr(render_docx, "soffice_convert", convert)
    web, w = start_world(tmp_path, date="2025-02-15")
    try:
        warmed = len(calls)
        summary = w.crawl()
    finally:
        web.stop()
    assert warmed >= 1  # the tiny world has a .doc: the cold path was really taken
    assert len(calls) == warmed and summary.total("errors") == 0
