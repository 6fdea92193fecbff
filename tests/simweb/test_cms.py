"""The simulated web's CMS-family list pages and their paging quirks (no HTTP)."""

from __future__ import annotations

import json
from datetime import date

from simweb.cms import LISTERS, lister_for
from simweb.server import SimState
from simweb.world import World

TODAY = date(2025, 2, 15)


def _state() -> SimState:
    return SimState(World(1, "demo"), TODAY, cms="cycle")


def test_mixed_draws_every_family_deterministically():
    draws = [lister_for(7, "mixed", i) for i in range(40)]
    assert set(draws) == set(LISTERS) and draws == [lister_for(7, "mixed", i) for i in range(40)]
    assert [lister_for(7, "classic", i) for i in range(4)] == ["classic"] * 4


def test_jpage_inline_group_and_proxy_ranges():
    st = _state()
    docs = st.world.listing(1, TODAY)
    page, _ = st.page(1, "/col/col1229300001/index.html", {})
    text = page.body.decode("gbk")
    assert text.count("<record>") == min(45, len(docs)) and f"totalRecord: {len(docs)}" in text
    right = {"columnid": "1229300001", "unitid": "4561", "startrecord": "46", "endrecord": "90"}
    xml = st.page(1, "/module/web/jpage/dataproxy.jsp", right)[0].body.decode()
    assert xml.count("<record>") == len(docs) - 45 and docs[45].path in xml  # endrecord clipped
    wrong = st.page(1, "/module/web/jpage/dataproxy.jsp", {**right, "columnid": "1"})[0].body.decode()
    assert "<record>" not in wrong  # the wrong column's parameters give an empty datastore


def test_jsonapi_pages_and_past_the_end():
    st = _state()
    total = len(st.world.listing(2, TODAY))
    first = json.loads(st.page(2, "/api/ndbg/list", {"page": "1", "pageSize": "10"})[0].body)
    assert first["data"]["total"] == total and len(first["data"]["list"]) == 10
    late = json.loads(st.page(2, "/api/ndbg/list", {"page": "99", "pageSize": "10"})[0].body)
    assert late["data"]["list"] == []
    assert "/api/ndbg/list" in st.page(2, "/zwgk/ndbg/index.html", {})[0].body.decode("utf-8")


def test_xxgk_pages_only_by_post_and_organ_columns():
    st = _state()
    enc = st.world.site(3).encoding
    get2 = st.page(3, "/module/xxgk/list.jsp", {"currpage": "2"})[0].body.decode(enc)
    post2 = st.page(3, "/module/xxgk/list.jsp", {"currpage": "2", "_method": "POST"})[0].body.decode(enc)
    assert 'name="currpage" value="1"' in get2 and 'name="currpage" value="2"' in post2
    town = st.world.publishers(3)[0]
    sub = st.page(3, "/module/xxgk/list.jsp", {"organ": town.id})[0].body.decode(enc)
    mine = [d for d in st.world.listing(3, TODAY) if d.publisher_id == town.id]
    assert mine and all(d.path in sub for d in mine)
    assert st.page(3, "/module/xxgk/list.jsp", {"organ": "nosuch"})[0].status == 404


def test_registry_rows_point_at_each_lister():
    st = _state()
    hosts = [f"http://h{i}" for i in range(4)]
    entries = {r["entry_url"] for r in st.registry_rows(hosts)}
    assert entries == {"http://h0/xxgk/ndbg/index.html", "http://h1/col/col1229300001/index.html",
                       "http://h2/zwgk/ndbg/index.html", "http://h3/module/xxgk/list.jsp"}


def test_topic_box_lists_reports_of_the_column_again():
    """The 年报专题 box of every family's county column links reports under the URLs the column
    itself lists them by (the same report in several columns); jpage's box names reports the
    inline group does not reach, so the crawl meets them again only in a proxy range."""
    st = _state()
    for site, path in ((1, "/col/col1229300001/index.html"), (2, "/zwgk/ndbg/index.html"),
                       (3, "/module/xxgk/list.jsp")):
        enc = st.world.site(site).encoding
        text = st.page(site, path, {})[0].body.decode(enc)
        box = text.split('id="ndbg-zt"', 1)[1].split("</div>", 1)[0]
        reports = [d for d in st.world.listing(site, TODAY) if d.kind == "report"]
        assert box.count("<li>") == 3 and all(f'href="{d.path}"' in box for d in reports[-3:])
        if site == 1:
            inline = text.split("<recordset>", 1)[1].split("</recordset>", 1)[0]
            assert not any(d.path in inline for d in reports[-3:])


def test_gkmlpt_shell_and_api_quirks():
    st = SimState(World(1, "demo"), TODAY, cms="gkmlpt")
    site = st.world.site(0)
    shell = st.page(0, "/gkmlpt/annualreport", {})[0].body.decode(site.encoding)
    assert "window._CONFIG" in shell and "SID: '440000'" in shell and "/gkmlpt/api/" not in shell
    docs = st.world.listing(0, TODAY)
    api = "/gkmlpt/api/all/2600"
    one = json.loads(st.page(0, api, {"page": "1", "sid": "440000"})[0].body)
    zero = json.loads(st.page(0, api, {"page": "0", "sid": "440000"})[0].body)
    assert one == zero and one["total"] == len(docs) < one["classify"]["post_count"]
    assert [a["url"] for a in one["articles"]] == [d.path for d in docs[:10]]
    last = -(-len(docs) // 10)
    assert json.loads(st.page(0, api, {"page": str(last), "sid": "440000"})[0].body)["offset"] == (last - 1) * 10
    assert st.page(0, api, {"page": str(last + 1), "sid": "440000"})[0].status == 404
    assert st.page(0, api, {"page": "1", "sid": "1"})[0].status == 404
    assert [lister_for(1, "gkmlpt", i) for i in range(3)] == ["gkmlpt"] * 3


def test_jpaas_unit_pages_inside_paramjson():
    st = SimState(World(1, "demo"), TODAY, cms="jpaas")
    docs = st.world.listing(0, TODAY)
    col = st.page(0, "/col/col1229500000/index.html", {})[0].body.decode(st.world.site(0).encoding)
    assert "/front/page/build/unit" in col and "'pageId':'1229500000'" in col
    unit = "/api-gateway/jpaas-publish-server/front/page/build/unit"
    ask = {"pageId": "1229500000", "webId": "3549"}

    def html(**extra: str) -> str:
        return json.loads(st.page(0, unit, {**ask, **extra})[0].body)["data"]["html"]

    assert html(paramJson='{"pageNo":2,"pageSize":"20"}').count("<li>") == min(20, len(docs) - 20)
    assert docs[20].path in html(paramJson='{"pageNo":2,"pageSize":"20"}')
    assert html().count("<li>") == 15 and html(paramJson='{"pageNo":1,"pageSize":"99"}').count("<li>") == 20
    assert html(paramJson='{"pageNo":99,"pageSize":"20"}') == ""  # past the end: empty, HTTP 200
    assert json.loads(st.page(0, unit, {**ask, "paramJson": "pageNo=2"})[0].body)["success"] is False
    assert json.loads(st.page(0, unit, {**ask, "pageId": "1"})[0].body)["success"] is False


def test_hanweb_xxgk_column_call_and_search_fragment():
    st = SimState(World(1, "demo"), TODAY, cms="hanweb_xxgk")
    site = st.world.site(0)
    docs = st.world.listing(0, TODAY)
    col = st.page(0, "/col/col1229600000/index.html", {})[0].body.decode(site.encoding)
    assert "loadDynamic('/module/xxgk/search.jsp?infotypeId=NB001'+a+" in col and "<tr" not in col
    ask = {"infotypeId": "NB001", "area": "4115280000000000", "_method": "POST"}

    def fragment(**extra: str) -> str:
        return st.page(0, "/module/xxgk/search.jsp", {**ask, **extra})[0].body.decode(site.encoding)

    first = fragment(currpage="")
    pages = -(-len(docs) // 15)
    assert first.count("tr_main_value_") == 15 and f"第1页/共{pages}页" in first
    assert f'mc="{docs[0].title}"' in first  # the whole title in mc/title, the text cut to 24
    assert fragment(currpage="2").count("tr_main_value_") == 15 and docs[15].path in fragment(currpage="2")
    assert fragment(currpage="99") == fragment(currpage=str(pages))  # past the end: the last page again
    whole = fragment(infotypeId="", currpage=str(pages + 1))  # no column id: the whole area
    assert "政务公开工作要点" in whole and f"共{len(docs) + 4}条记录" in whole
    assert "暂无信息" in fragment(area="1") and "共0条记录" in fragment(area="1")
