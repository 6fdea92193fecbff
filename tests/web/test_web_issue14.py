"""Issue 14, what users met: exports of every row, the placeholder, times in the configured zone,
a year without data, the language switch and English pages, facet counts that add up, figure
filters in hits and on the report page, links a journalist needs, single-version reports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from openpyxl import load_workbook

from .conftest import csrf_of


class Attrs(HTMLParser):
    """Every start tag's attributes, as the browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def attrs_of(html: str, tag: str, **match: str) -> list[dict[str, str | None]]:
    p = Attrs()
    p.feed(html)
    return [a for t, a in p.tags if t == tag and all(a.get(k) == v for k, v in match.items())]


def csv_rows(resp) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))


# 4 ------------------------------------------------------------------------------------------

def test_search_exports_every_matching_row_not_one_page(client):
    total = client.get("/api/search?q=").get_json()["total"]
    assert total == 4
    r = client.get("/search.csv?q=&size=1&page=1")
    rows = csv_rows(r)
    assert rows[0][:3] == ["ID", "标题", "机关"] and len(rows) == 1 + total
    assert "X-Export-Truncated" not in r.headers
    x = client.get("/search.xlsx?q=&size=2")
    assert load_workbook(io.BytesIO(x.data)).active.max_row == 1 + total
    # the filters still apply
    assert len(csv_rows(client.get("/search.csv?county=孟津区"))) == 1 + 3


def test_search_export_cap_is_a_setting_and_announced(app):
    app.config["NIANBAO_SETTINGS"] = app.config["NIANBAO_SETTINGS"].model_copy(update={"export_max_rows": 2})
    client = app.test_client()
    r = client.get("/search.csv?q=")
    assert len(csv_rows(r)) == 1 + 2 and r.headers["X-Export-Truncated"] == "4"
    html = client.get("/search?q=").get_data(as_text=True)
    note = html.index("export-cap")
    assert note > html.index('data-fmt="csv"') - 600 and "2" in html[note:note + 300]
    assert "共 4 份" in html[note:note + 300]


# 5 ------------------------------------------------------------------------------------------

def test_search_placeholder_is_whole(client):
    html = client.get("/search").get_data(as_text=True)
    (box,) = attrs_of(html, "input", name="q")
    ph = box["placeholder"] or ""
    assert "行政复议" in ph and "county:" in ph and "year:" in ph, ph


# 6 ------------------------------------------------------------------------------------------

def test_times_in_the_configured_zone(app, corpus):
    client = app.test_client()
    rid = corpus["ids"][("mj-cy", 2024)]
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    # the crawler stored the fetch time 10:02 as naive UTC: Beijing shows 18:02
    versions = html[html.index('id="versions"'):]
    assert "2025-01-18 18:02" in versions[:1500] and "2025-01-18 10:02" not in versions[:1500]
    assert client.get(f"/reports/{rid}.json").get_json()["versions"][0]["fetched_at"].endswith("Z")
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    versions = html[html.index('id="versions"'):]
    assert "2025-01-18 10:02" in versions[:1500]
    assert "北京时间" not in html and "UTC" in html[html.index("<footer"):]


def test_atom_updated_is_the_real_time(client, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
        r = client.post("/subscriptions/new", data={"kind": "saved_search", "channel": "feed", "q": "政府",
                                                    "csrf_token": token})
        assert r.status_code == 302, r.get_data(as_text=True)[:400]
        manage = client.get(r.headers["Location"]).get_data(as_text=True)
        feed = re.search(r'href="[^"]*(/feeds/[^"]+\.atom)"', manage)
        assert feed, manage[:2000]
        xml = client.get(feed.group(1)).get_data(as_text=True)
        updated = re.search(r"<updated>([^<]+)</updated>", xml).group(1)
        when = datetime.fromisoformat(updated)
        assert when.utcoffset() == timedelta(hours=8)
        assert abs(when - datetime.now(UTC)) < timedelta(minutes=5), updated
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_computed_at_in_the_configured_zone():
    from web import create_app
    from web.i18n import bjtime

    app = create_app({"TESTING": True})
    with app.test_request_context("/"):
        # a snapshot computed at 02:00 UTC (stored with its offset) is 10:00 in Beijing
        assert bjtime("2025-03-01T02:00:00+00:00") == "2025-03-01 10:00"
        assert bjtime(datetime(2025, 3, 1, 2, 0), naive="utc") == "2025-03-01 10:00"


# 7 ------------------------------------------------------------------------------------------

def test_year_without_data_says_so(client):
    r = client.get("/compliance?year=2022")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "没有 2022 年度的数据" in html and "未发布" not in html and "逾期天数" not in html
    assert 'href="/compliance?year=2024"' in html  # the years that have data
    d = client.get("/compliance.json?year=2022").get_json()
    assert d["no_data"] is True and d["publishers"] == []
    # a year with data is judged as before
    assert "没有 2024 年度的数据" not in client.get("/compliance?year=2024").get_data(as_text=True)


# 8 ------------------------------------------------------------------------------------------

def test_language_switch_keeps_the_query_and_filters(client):
    html = client.get("/search?q=行政复议&county=孟津区&sort=date").get_data(as_text=True)
    (a,) = [a for a in attrs_of(html, "a") if a.get("hreflang") == "en"]
    href = a["href"] or ""
    assert href.startswith("/search?") and "lang=en" in href
    from urllib.parse import parse_qs, urlsplit

    qs = parse_qs(urlsplit(href).query)
    assert qs["q"] == ["行政复议"] and qs["county"] == ["孟津区"] and qs["sort"] == ["date"]
    en = client.get(href).get_data(as_text=True)
    (back,) = [a for a in attrs_of(en, "a") if a.get("hreflang") == "zh"]
    assert "county=%E5%AD%9F%E6%B4%A5%E5%8C%BA" in (back["href"] or "")


def test_english_report_page_translates_findings_headings_and_tables(client, corpus):
    rid = corpus["ids"][("mj-cy", 2024)]
    html = client.get(f"/reports/{rid}?lang=en").get_data(as_text=True)
    assert "1. Overview" in html and "3. Applications received and handled" in html
    assert "New applications received this year" in html and "Natural persons" in html
    assert "Administrative review" in html
    from nianbao.findings import FINDINGS

    assert FINDINGS["T3_ROW_SUM"][1] in html  # the finding explained in English
    zh = client.get(f"/reports/{rid}?lang=zh").get_data(as_text=True)
    assert "一、本年新收政府信息公开申请数量" in zh and "Natural persons" not in zh


# 9 ------------------------------------------------------------------------------------------

def test_facet_counts_add_up_with_an_unknown_bucket(es, corpus, settings):
    from web import create_app

    from .conftest import CORPUS, index_corpus, report

    prefix = corpus["prefix"] + "-facets"
    orphan = report("zz-1", "某某局", "", "", 2024, "2025-01-20T09:00:00+08:00", city="", province="")
    for k in ("province", "city", "county", "place"):
        orphan[k] = None
    try:
        index_corpus(es, prefix, [*CORPUS, orphan])
        app = create_app({"TESTING": True, "NIANBAO_ES": es, "NIANBAO_TODAY": "2025-03-15",
                          "NIANBAO_SETTINGS": settings.model_copy(update={"es_index_prefix": prefix})})
        client = app.test_client()
        d = client.get("/api/search?q=").get_json()
        for facet in ("province", "city", "county"):
            counts = {b["value"]: b["count"] for b in d["facets"][facet]}
            assert sum(counts.values()) == d["total"] == 5, (facet, counts)
            assert counts["__none__"] == 1
        only = client.get("/api/search?q=&province=__none__").get_json()
        assert only["total"] == 1 and only["hits"][0]["organ"] == "某某局"
        html = client.get("/search?q=").get_data(as_text=True)
        assert "未知/其他" in html and "province=__none__" in html
    finally:
        es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)



def test_a_county_level_citys_departments_are_filed_under_its_prefecture(es, corpus, settings, tmp_path):
    """崇州市 is a county-level city of 成都市: its departments count under county 崇州市 and city
    成都市 — whether the registry row wrote 崇州市 as the city, the report named only the
    county, or nothing named the region — and the facets add up at every level."""
    from crawler.registry import load_registry
    from indexer import store
    from web import create_app

    from .conftest import CORPUS, report

    reg = tmp_path / "publishers.yaml"
    reg.write_text("publishers:\n"
                   "  - {id: cz-wjj, name: 崇州市卫生健康局, level: department, province: 四川省,"
                   " city: 崇州市, entry_url: 'http://127.0.1.3:8800/gkmlpt/ndbg/index.html'}\n"
                   "  - {id: cz-jyj, name: 崇州市教育局, level: department, city: 崇州市, county: 崇州市,"
                   " entry_url: 'http://127.0.1.3:8800/gkmlpt/ndbg/index.html'}\n", encoding="utf-8")
    rows = {p.id: p for p in load_registry(reg)}
    for pid in ("cz-wjj", "cz-jyj"):
        assert (rows[pid].province, rows[pid].city, rows[pid].county) == ("四川省", "成都市", "崇州市")

    def dept(pid: str, organ: str, county: str | None) -> dict:
        d = report(pid, organ, "", county or "", 2024, "2025-01-20T09:00:00+08:00", city="", province="")
        for k in ("place", "city", "province"):
            d[k] = None
        d["county"] = county
        return d

    as_prefecture = {"province": "四川省", "city": "崇州市", "county": None}  # a row as once filed
    docs = [store.build_doc(d) for d in CORPUS]
    docs += [store.build_doc(dept("cz-wjj", "崇州市卫生健康局", "崇州市"), as_prefecture),  # report names the county
             store.build_doc(dept("cz-czj", "崇州市财政局", None), as_prefecture),  # names nothing
             store.build_doc(dept("cz-zwfw", "崇州市政务服务中心", "崇州市"))]  # not in the registry
    for d in docs[-3:]:
        assert (d["province"], d["city"], d["county"]) == ("四川省", "成都市", "崇州市"), d["publisher_id"]
    assert docs[-1]["meta_sources"]["city"] == "registry"  # the division gazetteer, shown as such
    prefix = corpus["prefix"] + "-cz"
    try:
        store.ensure_indices(es, prefix)
        ok, errors = store.index_reports(es, prefix, docs, refresh=True)
        assert not errors, errors
        app = create_app({"TESTING": True, "NIANBAO_ES": es, "NIANBAO_TODAY": "2025-03-15",
                          "NIANBAO_SETTINGS": settings.model_copy(update={"es_index_prefix": prefix})})
        client = app.test_client()
        d = client.get("/api/search?q=").get_json()
        facets = {f: {b["value"]: b["count"] for b in d["facets"][f]} for f in ("province", "city", "county")}
        assert d["total"] == 7
        for facet, counts in facets.items():
            assert sum(counts.values()) == 7, (facet, counts)
        assert facets["city"] == {"洛阳市": 4, "成都市": 3}  # no prefecture called 崇州市
        assert facets["county"]["崇州市"] == 3 and facets["province"]["四川省"] == 3
        assert client.get("/api/search?q=&city=成都市&county=崇州市").get_json()["total"] == 3
        assert client.get("/api/search?q=&city=崇州市").get_json()["total"] == 0
    finally:
        es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)

# 11 -----------------------------------------------------------------------------------------

def test_figure_filter_value_in_hits_and_marked_cell(client, corpus):
    html = client.get("/search?q=appeals.review.corrected>=1 county:孟津区").get_data(as_text=True)
    assert 'class="figure-match"' in html and "appeals.review.corrected</code> = <strong>1</strong>" in html
    link = re.search(r'<h2><a href="(/reports/[^"]+)"', html).group(1).replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    cell = re.search(r'<td[^>]*data-path="appeals.review.corrected"[^>]*>', page).group(0)
    assert "figure-hit" in cell
    other = re.search(r'<td[^>]*data-path="appeals.review.upheld"[^>]*>', page).group(0)
    assert "figure-hit" not in other


def test_duplicate_text_links_the_similar_report(app, es, corpus):
    from .conftest import CORPUS, index_corpus, report

    prefix = corpus["prefix"] + "-dup"
    dup = report("mj-pl", "孟津区平乐镇人民政府", "平乐镇", "孟津区", 2024, "2025-02-10T15:59:00+08:00",
                 findings=[{"code": "DUPLICATE_TEXT", "severity": "warning", "similarity": 0.97,
                            "similar_to": "mj-cy-2024", "message": "正文与孟津区朝阳镇人民政府的报告相似（相似度 97%）"}])
    try:
        built = index_corpus(es, prefix, [CORPUS[0], dup])
        app.config["NIANBAO_SETTINGS"] = app.config["NIANBAO_SETTINGS"].model_copy(update={"es_index_prefix": prefix})
        html = app.test_client().get(f"/reports/{built[1]['id']}").get_data(as_text=True)
        assert 'class="similar" href="/reports/mj-cy-2024"' in html
    finally:
        es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def test_examples_name_places_the_index_holds(es, corpus, settings):
    from web import create_app

    from .conftest import index_corpus, report

    prefix = corpus["prefix"] + "-examples"
    docs = [report(f"xa-{i}", f"新安县城关镇人民政府{i}", "城关镇", "新安县", 2023, "2024-01-20T09:00:00+08:00")
            for i in range(2)]
    try:
        index_corpus(es, prefix, docs)
        app = create_app({"TESTING": True, "NIANBAO_ES": es, "NIANBAO_TODAY": "2025-03-15",
                          "NIANBAO_SETTINGS": settings.model_copy(update={"es_index_prefix": prefix})})
        html = app.test_client().get("/search").get_data(as_text=True)
        (box,) = attrs_of(html, "input", name="q")
        assert "county:新安县" in (box["placeholder"] or "") and "year:2023" in (box["placeholder"] or "")
        assert "孟津区" not in html and "place:城关镇" in html
    finally:
        es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def test_subscribe_links_for_search_publisher_and_region(client):
    html = client.get("/search?q=行政复议&county=孟津区").get_data(as_text=True)
    (a,) = attrs_of(html, "a", **{"class": "subscribe"})
    assert a["href"].startswith("/subscriptions/new?") and "kind=saved_search" in a["href"]
    form = client.get(a["href"]).get_data(as_text=True)
    assert attrs_of(form, "input", name="q")[0]["value"] == "行政复议"
    assert attrs_of(form, "input", name="county")[0]["value"] == "孟津区"
    pub = client.get("/publishers/mj-cy").get_data(as_text=True)
    (a,) = attrs_of(pub, "a", **{"class": "subscribe"})
    assert "kind=publisher" in a["href"] and "publisher_id=mj-cy" in a["href"]
    dash = client.get("/compliance?year=2024&province=河南省&city=洛阳市").get_data(as_text=True)
    (a,) = attrs_of(dash, "a", **{"class": "subscribe"})
    assert "kind=region_compliance" in a["href"] and "city=%E6%B4%9B%E9%98%B3%E5%B8%82" in a["href"]


# 13 -----------------------------------------------------------------------------------------

def test_search_has_h1_and_skip_link(client):
    html = client.get("/search?q=政府").get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    (skip,) = attrs_of(html, "a", **{"class": "skip-link"})
    assert skip["href"] == "#main" and attrs_of(html, "main", id="main")


# 14 -----------------------------------------------------------------------------------------

def test_single_version_report_offers_no_diff(client, corpus):
    rid = corpus["ids"][("mj-cy", 2024)]
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    versions = html[html.index('id="versions"'):html.index('id="audit"')]
    assert 'type="radio"' not in versions and "/diff" not in versions
    assert "只抓取到一个版本" in versions
