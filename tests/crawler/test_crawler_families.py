"""Discovery adapters per CMS family, as pure functions over markup (no network)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawler.families import ListRequest, detect, read_list
from crawler.registry import Publisher

ENTRY = "http://www.example.gov.cn/col/col1229100/index.html"
R = "政府信息公开工作年度报告"


def _record(path: str, title: str, day: str = "2025-01-20") -> str:
    return (f"<record><![CDATA[<li><a href='{path}' title='{title}' target='_blank'>{title}</a>"
            f"<span>{day}</span></li>]]></record>")


HANWEB = f"""<html><body><div id="4563"><script type="text/xml"><datastore>
<recordset>{_record('/art/2025/1/20/art_1229_1.html', '甲镇人民政府2024年' + R)}
{_record('/art/2025/1/21/art_1229_2.html', '乙镇人民政府2024年' + R)}
{_record('/art/2025/1/3/art_1229_3.html', '关于做好2024年度' + R + '编制发布工作的通知')}</recordset>
</datastore></script></div>
<script>$('#4563').jpage({{dataStore: dataStore, totalRecord: 100, perPage: 15,
 proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {{col: 1, appid: 1, webid: 77,
 path: '/', columnid: 1229100, unitid: 4563, webname: '某县人民政府', permissiontype: 0}}}});</script>
</body></html>"""


def test_hanweb_inline_records_and_record_ranges_posted():
    assert detect(HANWEB, ENTRY) == "hanweb"
    res = read_list(HANWEB, ListRequest(ENTRY), ENTRY)
    assert res.family == "hanweb"
    assert [link.url for link in res.reports] == [
        "http://www.example.gov.cn/art/2025/1/20/art_1229_1.html",
        "http://www.example.gov.cn/art/2025/1/21/art_1229_2.html"]  # the notice is not a report
    assert [r.records for r in res.requests] == [(4, 48), (49, 93), (94, 100)]
    first = res.requests[0]
    assert first.method == "POST" and first.family == "hanweb" and first.page == 1
    assert first.url == ("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
                         "?startrecord=4&endrecord=48&perpage=15")
    form = dict(first.form)
    assert (form["columnid"], form["unitid"], form["webid"], form["col"]) == ("1229100", "4563", "77", "1")
    assert "family=hanweb" in first.evidence_url() and "records=4-48" in first.evidence_url()
    assert "post=" in first.evidence_url() and first.evidence_url().startswith(first.url + "#")


def test_hanweb_proxy_answer_is_read_without_new_requests():
    answer = (f"<datastore><totalrecord>100</totalrecord><recordset>"
              f"{_record('/art/2025/2/1/art_1229_9.html', '丙乡人民政府2024年' + R)}</recordset></datastore>")
    req = ListRequest("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=48",
                      "POST", (("columnid", "1"),), "hanweb", 1, (4, 48))
    res = read_list(answer, req, ENTRY)
    assert [link.text for link in res.reports] == ["丙乡人民政府2024年" + R] and res.requests == []


def test_hanweb_page_variant_asks_page_one_then_the_rest():
    page = ("<script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"/module/web/jpage/"
            "dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860\"></a>]]>"
            "</nextgroup><recordset></recordset></datastore></script>")
    res = read_list(page, ListRequest(ENTRY), ENTRY)
    assert len(res.requests) == 1 and "page=1" in res.requests[0].url
    answer = "<datastore><totalpage>3</totalpage><recordset></recordset></datastore>"
    more = read_list(answer, res.requests[0], ENTRY)
    assert [r.page for r in more.requests] == [2, 3] and all("page=" in r.url for r in more.requests)


JSON_PAGE = """<html><body><ul id="list"></ul><script type="text/template" id="tpl">
<li><a href="{{url}}">{{title}}</a><span>{{date}}</span></li></script>
<script>$.ajax({url: "/api/ndbg/list", type: "get", data: {columnId: "ndbg", page: 1, pageSize: 2},
 success: function (r) { render(r.data.list); }});</script></body></html>"""


def test_jsonlist_endpoint_from_script_then_pages_from_total():
    assert detect(JSON_PAGE, ENTRY) == "jsonlist"
    res = read_list(JSON_PAGE, ListRequest(ENTRY), ENTRY)
    assert res.reports == [] and len(res.requests) == 1
    first = res.requests[0]
    assert first.url.startswith("http://www.example.gov.cn/api/ndbg/list?") and "page=1" in first.url
    answer = json.dumps({"code": 0, "data": {"total": 5, "list": [
        {"title": "甲镇人民政府2024年" + R, "url": "/art/1.html", "publishTime": "2025-01-20 09:00"},
        {"title": "2024年度政务公开工作要点", "url": "/art/2.html"}]}}, ensure_ascii=False)
    got = read_list(answer, first, ENTRY)
    assert [link.url for link in got.reports] == ["http://www.example.gov.cn/art/1.html"]
    assert "2025-01-20" in got.reports[0].context
    assert [r.page for r in got.requests] == [2, 3] and all("pageSize=2" in r.url for r in got.requests)
    assert read_list(answer, got.requests[0], ENTRY).requests == []  # only page 1 plans


XXGK = f"""<html><body><div class="organ-tree"><ul>
<li><a href="/xxgk/list.jsp?organ=101">甲镇人民政府</a></li><li><a href="/xxgk/list.jsp?organ=102">乙街道办事处</a></li>
<li><a href="/zwdt/">政务动态</a></li></ul></div>
<form id="searchForm" action="/xxgk/list.jsp" method="post"><input type="text" name="title" value="">
<input type="hidden" name="organ" value=""><input type="hidden" name="currpage" value="1">
<input type="hidden" name="totalpage" value="3"><input type="submit" value="检索"></form>
<table><tr><th>索引号</th><th>标题</th><th>发布机构</th><th>生成日期</th></tr>
<tr><td>11330000-01-2025-0001</td><td><a href="/xxgk/art/1.html">甲镇人民政府2024年{R}</a></td>
<td>甲镇人民政府</td><td>2025-01-18</td></tr>
<tr><td>11330000-01-2025-0002</td><td><a href="/xxgk/art/2.html">某县2024年度政府信息公开工作自查报告</a></td>
<td>某县人民政府</td><td>2025-01-10</td></tr></table>
<div class="page">共 3 页 <a href="javascript:goPage(2)">下一页</a></div></body></html>"""


def test_xxgk_table_form_post_pages_and_organ_columns():
    url = "http://www.example.gov.cn/xxgk/list.jsp"
    assert detect(XXGK, url) == "xxgk"
    res = read_list(XXGK, ListRequest(url), url)
    assert [link.url for link in res.reports] == ["http://www.example.gov.cn/xxgk/art/1.html"]
    assert "2025-01-18" in res.reports[0].context  # the 生成日期 beside the link
    posts = [r for r in res.requests if r.method == "POST"]
    assert [r.page for r in posts] == [2, 3] and all(r.url == url for r in posts)
    assert dict(posts[0].form)["currpage"] == "2" and "title" in dict(posts[0].form)
    organs = [r.url for r in res.requests if r.method == "GET"]
    assert organs == ["http://www.example.gov.cn/xxgk/list.jsp?organ=101",
                      "http://www.example.gov.cn/xxgk/list.jsp?organ=102"]
    # a sub-column plans its own form pages, not the organs again
    sub = read_list(XXGK, ListRequest(organs[0], family="xxgk", page=1), url)
    assert [r.page for r in sub.requests] == [2, 3] and all(r.method == "POST" for r in sub.requests)
    assert read_list(XXGK, posts[0], url).requests == []


def test_generic_pages_and_registry_override():
    page = (f'<ul><li><a href="./202501/t20250118_1.html">甲镇2024年{R}</a></li></ul>'
            '<a href="index_1.html">下一页</a>')
    url = "http://www.example.gov.cn/xxgk/ndbg/index.html"
    assert detect(page, url) == "generic"
    res = read_list(page, ListRequest(url), url)
    assert [r.url for r in res.requests] == ["http://www.example.gov.cn/xxgk/ndbg/index_1.html"]
    assert res.requests[0].family == "generic" and res.requests[0].evidence_url() == res.requests[0].url
    forced = read_list(HANWEB, ListRequest(ENTRY), ENTRY, family="generic")  # registry says so
    assert forced.family == "generic" and forced.reports == []  # the records sit in a script
    with pytest.raises(ValueError):
        read_list(page, ListRequest(url), url, family="nosuch")


def test_registry_row_family_field():
    row = {"id": "x", "name": "甲镇人民政府", "level": "township", "entry_url": ENTRY}
    assert Publisher.model_validate({**row, "family": "hanweb", "verified": "false"}).family == "hanweb"
    assert Publisher.model_validate({**row, "verified": "false"}).verified is False
    with pytest.raises(ValueError):
        Publisher.model_validate({**row, "family": "drupal"})


GK_ENTRY = "http://www.example.gov.cn/xxzx/gkmlpt/annualreport"
GK_TREE = [{"id": 1, "name": "政策文件", "children": [{"id": 11, "name": "规范性文件"}]},
           {"id": 5, "name": "年报专题", "jump_url": "/zt/ndbg/", "children": []},
           {"id": 2629, "name": "政府信息公开年报", "children": []}]
GKMLPT = ("<div id='app'></div><script>window._CONFIG = {SID: '755041', APP_URL: '', TREE: "
          + json.dumps(GK_TREE, ensure_ascii=False) + ", SERVICE_AREA_ID: 0};</script>")


def _gk_answer(articles: list[dict], total: int, offset: int = 0) -> str:
    return json.dumps({"classify": {"id": 2629, "post_count": total + 40}, "total": total,
                       "offset": offset, "articles": articles}, ensure_ascii=False)


def test_gkmlpt_column_from_tree_or_fragment_then_api_pages_by_total():
    assert detect(GKMLPT, GK_ENTRY) == "gkmlpt"
    res = read_list(GKMLPT, ListRequest(GK_ENTRY), GK_ENTRY)
    assert res.error is None  # the 年报 column of the tree; the jump-only 年报专题 node is not asked
    assert [r.url for r in res.requests] == [
        "http://www.example.gov.cn/xxzx/gkmlpt/api/all/2629?page=1&sid=755041"]
    entry = GK_ENTRY + "#2700"  # a column given in the registry's URL wins (the fetch drops it)
    got = read_list(GKMLPT, ListRequest(GK_ENTRY), entry)
    assert [r.url for r in got.requests] == [
        "http://www.example.gov.cn/xxzx/gkmlpt/api/all/2700?page=1&sid=755041"]
    arts = [{"id": 4942475, "title": "甲镇人民政府2024年" + R, "url": "//www.example.gov.cn/xxzx/gkmlpt/"
             "content/4/4942/post_4942475.html", "create_time": 1737331200, "publisher": "甲镇人民政府"},
            {"id": 4942476, "title": "关于做好2024年度" + R + "编制发布工作的通知", "url": "/a/2.html"}]
    first = read_list(_gk_answer(arts, total=5), res.requests[0], GK_ENTRY)
    assert [(link.url, link.context) for link in first.reports] == [
        ("http://www.example.gov.cn/xxzx/gkmlpt/content/4/4942/post_4942475.html",
         "甲镇人民政府2024年" + R + " 2025-01-20 甲镇人民政府")]
    # pages by `total` (5 ÷ 2 per page), not by the column's larger post_count
    assert [(r.page, r.records) for r in first.requests] == [(2, (3, 4)), (3, (5, 5))]
    assert first.requests[0].url.endswith("/api/all/2629?page=2&sid=755041")
    assert "#family=gkmlpt&page=2&records=3-4" in first.requests[0].evidence_url()
    later = read_list(_gk_answer([{"id": 7, "title": "x", "url": "/a/7.html"}], 5, offset=2),
                      first.requests[0], GK_ENTRY)
    assert later.error is None and later.requests == []  # only page 1 plans


def test_gkmlpt_bad_input_is_a_recorded_error():
    no_sid = read_list(GKMLPT.replace("SID: '755041',", ""), ListRequest(GK_ENTRY), GK_ENTRY, "gkmlpt")
    assert no_sid.requests == [] and "SID" in (no_sid.error or "")
    no_column = read_list(GKMLPT.replace("政府信息公开年报", "其他文件"), ListRequest(GK_ENTRY), GK_ENTRY)
    assert no_column.requests == [] and "#" in (no_column.error or "")
    req = read_list(GKMLPT, ListRequest(GK_ENTRY), GK_ENTRY).requests[0]
    for garbage in ("<html>访问过于频繁</html>", "{\"code\": 500}", "", "[1, 2"):
        bad = read_list(garbage, req, GK_ENTRY)
        assert bad.error and bad.reports == [] and bad.requests == [], garbage
    arts = [{"id": i, "title": f"文件{i}", "url": f"/a/{i}.html"} for i in (1, 2)]
    first = read_list(_gk_answer(arts, total=6), req, GK_ENTRY)
    # a server that ignores `page` answers page 1 again: said, not taken as the list's end
    loop = read_list(_gk_answer(arts, total=6), first.requests[0], GK_ENTRY)
    assert loop.requests == [] and "offset" in (loop.error or "")
    no_offset = json.dumps({"total": 6, "articles": arts})
    assert "repeats page 1" in (read_list(no_offset, first.requests[0], GK_ENTRY).error or "")


JPAAS_PAGE = """<div class="list-unit"><script url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'parseType':'bulidstatic','webId':'3549','pageType':'column','pageId':'1229187644',
 'paramJson':{'pageNo':1,'pageSize':'2'}}"></script></div>"""


def _unit(items: list[tuple[str, str]]) -> str:
    return json.dumps({"success": True, "data": {"html": "".join(
        f'<li><a href="{u}" title="{t}">{t}</a><span>2025-01-20</span></li>' for u, t in items)}},
        ensure_ascii=False)


def test_jpaas_page_number_inside_paramjson():
    assert detect(JPAAS_PAGE, ENTRY) == "jsonlist"
    first = read_list(JPAAS_PAGE, ListRequest(ENTRY), ENTRY).requests[0]
    query = dict(parse_qsl(urlsplit(first.url).query))
    assert first.url.startswith("http://www.example.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?")
    assert (query["pageId"], query["paramJson"]) == ("1229187644", '{"pageNo":1,"pageSize":"2"}')
    full = _unit([("/art/1.html", "甲镇人民政府2024年" + R), ("/art/2.html", "2024年度政务公开工作要点")])
    got = read_list(full, first, ENTRY)
    assert [link.url for link in got.reports] == ["http://www.example.gov.cn/art/1.html"]
    nxt = got.requests[0]  # no count in the answer: a full page asks for the next one
    assert dict(parse_qsl(urlsplit(nxt.url).query))["paramJson"] == '{"pageNo":2,"pageSize":"2"}'
    assert (nxt.page, nxt.records) == (2, (3, 4)) and "paramJson=%7B%22pageNo%22%3A2" in nxt.evidence_url()
    short = read_list(_unit([("/art/3.html", "乙镇人民政府2024年" + R)]), nxt, ENTRY)
    assert len(short.reports) == 1 and short.requests == [] and short.error is None  # the last page
    # the same page again: a server ignoring paramJson's pageNo is an error, not page after page
    again = read_list(full, nxt, ENTRY)
    assert again.requests == [] and "repeats" in (again.error or "")
    bad = read_list("<html><body>502 Bad Gateway</body></html>", nxt, ENTRY)
    assert bad.requests == [] and "not JSON" in (bad.error or "")
    # a plain endpoint whose page sits in a JSON parameter is read the same way
    literal = 'var listApi = "/api/list?paramJson={%22pageNo%22:1,%22pageSize%22:%2210%22}";'
    plain = read_list(literal, ListRequest(ENTRY), ENTRY).requests[0]
    assert dict(parse_qsl(urlsplit(plain.url).query))["paramJson"] == '{"pageNo":1,"pageSize":"10"}'
