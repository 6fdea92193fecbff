"""Search page and API against the real Elasticsearch."""

from __future__ import annotations


def test_search_page_highlights_and_facets(client):
    r = client.get("/search?q=行政复议")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<mark>" in html and "朝阳镇" in html
    assert 'class="facet"' in html and "2024" in html


def test_search_json_shape(client):
    r = client.get("/api/search?q=政府信息&size=2")
    assert r.status_code == 200
    d = r.get_json()
    assert {"total", "took_ms", "hits", "facets"} <= set(d)
    assert d["total"] >= 3 and len(d["hits"]) == 2
    hit = d["hits"][0]
    assert {"id", "title", "organ", "place", "county", "year", "published", "url", "highlight", "findings"} <= set(hit)
    years = {b["value"]: b["count"] for b in d["facets"]["year"]}
    assert years[2024] == 3 and years[2023] == 1
    # the page's JSON twin has the same shape
    assert client.get("/search.json?q=政府信息").get_json()["total"] == d["total"]


def test_facet_filter_and_pagination(client):
    d = client.get("/api/search?q=&year=2024&county=孟津区").get_json()
    assert d["total"] == 2
    assert all(h["county"] == "孟津区" for h in d["hits"])
    p2 = client.get("/search?year=2024&size=1&page=2").get_data(as_text=True)
    assert 'rel="prev"' in p2 and 'rel="next"' in p2
    late = client.get("/api/search?timeliness=late").get_json()
    assert [h["place"] for h in late["hits"]] == ["平乐镇"]


def test_bad_query_is_400_with_position(client):
    r = client.get('/api/search?q=(行政复议 AND')
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert isinstance(err["position"], int) and err["message"]
    page = client.get('/search?q="未闭合')
    assert page.status_code == 400
    assert "querypos" in page.get_data(as_text=True)


def test_empty_results_help(client):
    html = client.get("/search?q=不存在的词语组合XYZ").get_data(as_text=True)
    assert "没有找到" in html


def test_search_csv_and_xlsx(client):
    import io

    from openpyxl import load_workbook

    r = client.get("/search.csv?q=政府信息")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID,标题") and "朝阳镇" in text
    x = client.get("/search.xlsx?q=政府信息")
    ws = load_workbook(io.BytesIO(x.data)).active
    assert ws.cell(1, 2).value == "标题" and ws.max_row >= 4


def test_escaping_of_hostile_report(client):
    html = client.get("/search?q=恶意内容").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_security_headers(client):
    r = client.get("/search")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_reflected_query_escaped(client):
    html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_highlight_fragments_checked_before_markup():
    from web.highlight import mark, safe_fragment

    assert str(safe_fragment("行政&lt;b&gt;<mark>复议</mark>")) == "行政&lt;b&gt;<mark>复议</mark>"
    for bad in ('<img src=x onerror=alert(1)>', "<mark>x", '<mark class="a">x</mark>', "a & b"):
        out = str(safe_fragment(bad))
        assert "<img" not in out and '<mark class' not in out and out.count("<mark>") == out.count("</mark>")
    assert str(mark("<b>行政复议</b>", ["复议"])) == "&lt;b&gt;行政<mark>复议</mark>&lt;/b&gt;"


def test_search_when_elasticsearch_is_down(settings, corpus):
    from elasticsearch import Elasticsearch

    from web import create_app

    dead = Elasticsearch("http://127.0.0.1:9", request_timeout=1, max_retries=0)
    app = create_app({"TESTING": True, "NIANBAO_SETTINGS": settings, "NIANBAO_ES": dead})
    r = app.test_client().get("/api/search?q=政府")
    assert r.status_code == 503 and "不可用" in r.get_json()["error"]["message"]
    page = app.test_client().get("/search?q=政府")
    assert page.status_code == 503 and "不可用" in page.get_data(as_text=True)
