"""Discovery adapters per CMS family, as pure functions over markup (no network)."""

from __future__ import annotations

import json

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
