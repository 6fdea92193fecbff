"""Discovery on a simulated web whose sites serve every CMS family, against the ground truth."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.models import Document, Fetch, ListingCrawl

from .crawler_world import family_world, found_once_and_nothing_else


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    with family_world(tmp_path_factory.mktemp("families"), "cycle") as w:
        yield w


def test_every_family_served(families):
    web = families.web
    assert [web.lister(i) for i in range(len(web.hosts))] == ["classic", "jpage", "jsonapi", "xxgk"]
    assert set(web.mirrors) == {1, 2, 3}  # the three CMS sites have a provincial mirror


def test_discovery_finds_every_visible_report_and_nothing_else(families):
    docs = found_once_and_nothing_else(families)
    truth = families.truth()
    for url, d in docs.items():
        t = truth[url]
        if t.registered and getattr(t, "names_organ", True):  # a bare title is matched later
            assert d.publisher_id == t.publisher_id, url


def test_listing_evidence_names_family_and_range(families):
    with families.session() as s:
        rows = s.scalars(select(ListingCrawl)).all()
        fetched = set(s.scalars(select(Fetch.url)))
    assert rows and all(r.status == "ok" for r in rows)
    urls = [r.url for r in rows]
    assert any("#family=hanweb&page=4&records=46-" in u and "post=" in u for u in urls)
    assert any("/api/ndbg/list?" in u and "#family=jsonlist&page=2&records=11-20" in u for u in urls)
    assert any("#family=xxgk&page=2&post=" in u and "currpage%3D2" in u for u in urls)
    organ = [r for r in rows if "organ=" in r.url]
    assert organ and all("#family=xxgk&page=1" in r.url for r in organ)
    # each xxgk report is listed twice (county column + its organ's): both listings kept
    seen: dict[str, int] = {}
    for r in rows:
        if "/module/xxgk/" in r.url:
            for u in r.report_urls:
                seen[u] = seen.get(u, 0) + 1
    assert seen and max(seen.values()) >= 2
    # mirror links are evidence only: the site's own copy was fetched, never the mirror's
    mirrors = set(families.web.mirrors.values())
    listed = {u for r in rows for u in r.report_urls}
    assert any(u.startswith(tuple(mirrors)) for u in listed)
    assert not any(u.startswith(tuple(mirrors)) for u in fetched)


def test_a_report_listed_in_several_columns_is_fetched_once(families):
    """County column, organ sub-column (xxgk), 年报专题 box and a mirror host all list some
    reports: each report page is fetched once in the crawl, from the site's own copy."""
    run = families.first.run_id
    with families.session() as s:
        rows = s.scalars(select(ListingCrawl).where(ListingCrawl.run_id == run)).all()
        fetched = [f.url for f in s.scalars(select(Fetch).where(Fetch.run_id == run, Fetch.kind == "report"))]
    listed: dict[str, int] = {}
    for r in rows:
        for u in r.report_urls:
            listed[u] = listed.get(u, 0) + 1
    truth = families.truth()
    web = families.web
    topic = [web.hosts[i] + d.path for i in (1, 2, 3)
             for d in [d for d in web.world.listing(i, web.today) if d.kind == "report"][-3:]]
    assert all(listed.get(u, 0) >= 2 for u in topic)  # the 专题 box and the column both list it
    assert sorted(fetched) == sorted(set(fetched)) and set(fetched) == set(truth)


def test_attachment_only_pages_are_followed_to_their_attachment(families):
    """A report page that is a short note with a PDF/DOCX/DOC link: the document is the
    attachment, fetched in the same crawl."""
    truth = families.truth()
    with families.session() as s:
        docs = {d.url: d for d in s.scalars(select(Document))}
        got = {f.url: f.outcome for f in s.scalars(
            select(Fetch).where(Fetch.run_id == families.first.run_id, Fetch.kind == "attachment"))}
    web = families.web
    short = {u: web.hosts[t.site] + t.attachment for u, t in truth.items() if t.attachment}
    assert len({u.rsplit(".", 1)[-1] for u in short.values()}) == 3  # pdf, docx and doc
    for url, attachment in short.items():
        assert docs[url].attachment_url == attachment, url
        assert got.get(attachment) == "ok", attachment
    assert all(docs[u].attachment_url is None for u in truth if u not in short)


def test_second_crawl_finds_nothing_new(families):
    summary = families.crawl()
    assert summary.total("new") == summary.total("changed") == summary.total("errors") == 0
    with families.session() as s:
        assert len(s.scalars(select(Document)).all()) == len(families.truth())
