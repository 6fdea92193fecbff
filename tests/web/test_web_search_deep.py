"""Deep pagination (cursor past the page-number window), estimates, the finding facet's
meaning — against the real Elasticsearch. The window is shrunk to 2 results so that the
four-report corpus crosses it."""

from __future__ import annotations

import html as htmlmod
import re

import pytest
from flask import render_template


@pytest.fixture()
def deep(app):
    app.config["NIANBAO_PAGE_WINDOW"] = 2
    return app.test_client()


def test_cursor_continues_past_the_window(deep):
    first = deep.get("/api/search?size=1&sort=date").get_json()
    assert first["next_cursor"] is None  # page 2 is still reachable by number
    assert first["facets"]  # facets on numbered pages
    second = deep.get("/api/search?size=1&sort=date&page=2").get_json()
    assert second["next_cursor"]  # page 3 would pass the window
    assert deep.get("/api/search?size=1&sort=date&page=3").status_code == 400
    ids = [first["hits"][0]["id"], second["hits"][0]["id"]]
    cursor, page = second["next_cursor"], 3
    while cursor:
        d = deep.get(f"/api/search?size=1&sort=date&page={page}&cursor={cursor}").get_json()
        assert d["facets"] == {}  # not counted on cursor pages
        ids += [h["id"] for h in d["hits"]]
        cursor, page = d["next_cursor"], page + 1
    assert len(ids) == len(set(ids)) == first["total"]  # nothing lost or repeated


def test_search_page_next_link_carries_cursor(deep):
    p2 = deep.get("/search?size=1&sort=date&page=2").get_data(as_text=True)
    m = re.search(r'rel="next" href="([^"]+)"', p2)
    assert m and "cursor=" in m.group(1) and "page=3" in m.group(1)
    r = deep.get(htmlmod.unescape(m.group(1)))
    assert r.status_code == 200
    p3 = r.get_data(as_text=True)
    assert 'rel="first"' in p3 and 'class="facet"' not in p3
    assert 'class="hit"' in p3 and 'start="3"' in p3


def test_api_can_skip_facets(client):
    d = client.get("/api/search?q=政府信息&facets=false").get_json()
    assert d["facets"] == {} and d["total"] >= 3 and d["total_exact"] is True


def test_finding_facet_shows_meaning(client):
    from nianbao.findings import FINDINGS

    html = client.get("/search?q=").get_data(as_text=True)
    facet = html[html.index('class="facets"'):html.index('class="results"')]
    assert "T3_ROW_SUM" in facet and FINDINGS["T3_ROW_SUM"][0][:10] in facet


def test_estimates_are_marked(app):
    """Above 10,000 matches the indexer estimates: the page says 约 and marks the counts."""
    with app.test_request_context("/search?q=x"):
        from web.highlight import fragments
        from web.views.search import _finding_codes, _link

        out = render_template(
            "search.html", q="x", filters={}, sort="relevance", error=None, took_ms=5,
            facets={"year": [{"value": 2024, "count": 61234}]}, facets_sampled=True,
            total=123456, total_exact=False, hits=[], page=1, size=20, pages=6173,
            numbered=500, cursor=None, next_cursor=None, fragments=fragments,
            finding_codes=_finding_codes, link=_link)
    assert "约 123456 份报告" in out and "≈61234" in out and "抽样估计" in out


def test_a_tampered_cursor_is_a_clean_400(deep):
    import base64
    import json

    for bad in ("not-base64!!", base64.urlsafe_b64encode(json.dumps({"after": [{"x": 1}], "pit": None}).encode()).decode()):
        r = deep.get(f"/api/search?size=1&sort=date&page=3&cursor={bad}")
        assert r.status_code == 400, r.get_data(as_text=True)
        assert "cursor" in r.get_json()["error"]["message"] or "search" in r.get_json()["error"]["message"]
