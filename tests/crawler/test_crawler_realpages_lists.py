"""Real list-page markup (tests/crawler/realpages_lists, each cited in sources.json): the links
each family adapter finds in it and the further requests it plans, and what the crawler follows
on a report page that is only a note with its attachment.

Covered: Hanweb datastore column + dataproxy answer, TRS lists (`var countPage` pager with
./YYYYMM/t….html rows; createPageHTML), a JSON endpoint's answer whose list is rendered HTML
(jpaas, paged inside paramJson from the unit a mohurd column's script names), Guangdong
gkmlpt API answers (and its `_CONFIG` shell, assembled from quoted
fragments), 大汉 信息公开目录 columns (a real loadDynamic call; its search.jsp answer assembled from
what public scrapers select), note-only pages (PDF+OFD, PDF). Not yet covered by real markup: a
JSON-endpoint page template (the script naming the endpoint) and the generic xxgk form table
(those adapters are tested on the simulated web and in test_crawler_families.py)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from crawler import discover
from crawler.discover import _anchors, _tree
from crawler.families import ListRequest, detect, hanweb_xxgk, jsonlist, read_list

HERE = Path(__file__).parent / "realpages_lists"
SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))


def _entries(text: str, url: str) -> list[str]:
    snippets = re.findall(r"<!\[CDATA\[(.*?)\]\]>", text, re.S)
    html = "".join(s for s in snippets if "<li" in s)
    return [href for _a, href, _label in _anchors(_tree(html), url)]


def test_every_corpus_file_is_cited():
    files = {p.name for p in HERE.iterdir() if p.name != "sources.json"}
    assert files == set(SOURCES)
    assert all(s["url"].startswith(("https://", "http://")) and s["cited"] for s in SOURCES.values())


def test_jiangsu_hanweb_column():
    src = SOURCES["jiangsu_col33718.html"]
    text = (HERE / "jiangsu_col33718.html").read_text(encoding="utf-8")
    assert detect(text, src["url"]) == src["family"]
    assert _entries(text, src["url"]) == src["entries"]
    res = read_list(text, ListRequest(src["url"]), src["url"])
    assert [link.url for link in res.reports] == src["reports"]  # no annual report in this column
    first = res.requests[0]
    assert first.records == tuple(src["first_range"]) and first.method == "POST"
    assert {k: v for k, v in first.form if k in src["form"]} == src["form"]
    assert res.requests[-1].records is not None and res.requests[-1].records[1] == 4895


def test_jshrss_dataproxy_page_answer():
    src = SOURCES["jshrss_dataproxy_page1.xml"]
    text = (HERE / "jshrss_dataproxy_page1.xml").read_text(encoding="utf-8")
    assert _entries(text, src["url"]) == src["entries"]
    req = ListRequest(src["url"], family="hanweb", page=1, hint=(("mode", "page"),))
    res = read_list(text, req, src["url"])
    assert [link.url for link in res.reports] == src["reports"]
    first, last = src["next_pages"]
    assert [r.page for r in res.requests] == list(range(first, last + 1))
    assert "page=2&" in res.requests[0].url and "columnid=77278" in res.requests[0].url


def _text(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def test_trs_column_with_countpage_pager():
    """TRS 信息公开年报 column: ./YYYYMM/tYYYYMMDD_N.html rows (four reports among news), its
    breadcrumb and 首页 link pointing back at the column (not a further page), one more page."""
    src = SOURCES["ordos_egb_xxgknb.html"]
    text, base = _text("ordos_egb_xxgknb.html"), src["base"]
    assert detect(text, base) == src["family"]
    res = read_list(text, ListRequest(base), base)
    assert [link.url for link in res.reports] == src["reports"]
    assert [r.url for r in res.requests] == src["pages"]
    assert all(r.family == "generic" and r.method == "GET" for r in res.requests)
    # as the server sends it (the pager script without its rendered output): the same page
    raw = re.sub(r"</script>共计.*?(?=\n\s*</td>)", "</script>", text, flags=re.S)
    assert "index_1.html\">" not in raw
    assert [r.url for r in read_list(raw, ListRequest(base), base).requests] == src["pages"]
    # entered at the column's directory URL, index.html is that same page
    column = base.rsplit("/", 1)[0] + "/"
    assert [r.url for r in read_list(text, ListRequest(column), column).requests] == src["pages"]


def test_trs_list_with_createpagehtml():
    src = SOURCES["anshun_zfxxgk_list.html"]
    text, base = _text("anshun_zfxxgk_list.html"), src["base"]
    assert detect(text, base) == src["family"]
    assert [href for _a, href, _l in _anchors(_tree(text), base)] == src["entries"]
    res = read_list(text, ListRequest(base), base)
    assert [link.url for link in res.reports] == src["reports"]  # no annual report here
    assert [r.url for r in res.requests] == src["pages"]  # createPageHTML(28, …): index_1 … index_27


def _followed(text: str, url: str) -> str | None:
    """The crawler's rule (engine._w_inspect): a page that is not a full report and links an
    attachment is followed to its first attachment."""
    atts = discover.attachments(text, url)
    return atts[0] if atts and not discover.is_full_report(discover.page_text(text)) else None


def test_note_pages_are_followed_to_their_attachment():
    for name in ("ndrc_note_pdf_ofd.html", "xiamen_note_pdf.html"):
        src = SOURCES[name]
        text = _text(name)
        assert discover.attachments(text, src["url"]) == src["attachments"], name
        assert _followed(text, src["url"]) == src["followed"], name
    shown = discover.published_shown(discover.page_text(_text("xiamen_note_pdf.html")))
    assert shown is not None and f"{shown:%Y-%m-%d %H:%M}" == SOURCES["xiamen_note_pdf.html"]["shown"]


def test_json_answer_with_rendered_html_list():
    """A JSON endpoint that answers the list already rendered (开普云 jpaas page/build/unit):
    the links inside `data.html` are read; neither is an annual report."""
    src = SOURCES["miit_jpaas_unit_answer.json"]
    text = _text("miit_jpaas_unit_answer.json")
    req = ListRequest(src["url"], family=src["family"], page=1)
    assert [link.url for link in jsonlist.html_links(jsonlist._json(text), req.url)] == src["links"]
    res = read_list(text, req, src["url"])
    assert res.family == "jsonlist" and [link.url for link in res.reports] == src["reports"]
    # a title that is a report is kept: the same answer with one title renamed
    renamed = text.replace("工业和信息化部关于公布第七批产业技术基础公共服务平台名单的通知",
                           "工业和信息化部2025年政府信息公开工作年度报告")
    got = read_list(renamed, req, src["url"]).reports
    assert [(link.url, link.context) for link in got] == [(src["links"][0],
                                                          "工业和信息化部2025年政府信息公开工作年度报告2026-03-31")]


def test_gkmlpt_shell_config_gives_the_api_request():
    """The gkmlpt shell (assembled from the fragments public scrapers quote: see sources.json)
    names the site; the column comes from the entry URL's fragment. Without one, the tree of
    this site has no 年报 column: a recorded error asking for #column, no guess."""
    src = SOURCES["zhaoqing_gkmlpt_index_config.html"]
    text = _text("zhaoqing_gkmlpt_index_config.html")
    assert detect(text, src["url"]) == src["family"]
    res = read_list(text, ListRequest(src["url"]), src["column_url"])
    assert res.error is None and [r.url for r in res.requests] == [src["first"]]
    bare = read_list(text, ListRequest(src["url"]), src["url"])
    assert bare.requests == [] and "#" in (bare.error or "")
    for entry, sid, api, _where in src["api_urls_seen"]:  # the URLs public scrapers call
        shell = text.replace("758019", sid)
        assert [r.url for r in read_list(shell, ListRequest(entry), entry).requests] == [api]


def test_gkmlpt_api_answers():
    """Articles of real-shaped gkmlpt answers: their links and dates; a `total` above the page
    plans the next pages from page 2 (page 0 and page 1 are the same page)."""
    src = SOURCES["zhaoqing_gkmlpt_api_answer.json"]
    text = _text("zhaoqing_gkmlpt_api_answer.json")
    req = ListRequest(src["url"], family="gkmlpt", page=1)
    res = read_list(text, req, src["url"])
    assert res.error is None and [link.url for link in res.reports] == src["reports"] and res.requests == []
    renamed = text.replace("金宸农牧科技（四会）有限公司四会富硒蛋鸡产业园项目受理公告",
                           "肇庆市生态环境局2025年政府信息公开工作年度报告")
    got = read_list(renamed, req, src["url"]).reports
    assert [link.url for link in got] == src["links"] and src["shown"] in got[0].context
    dg = SOURCES["dongguan_gkmlpt_api_page0.json"]
    text = _text("dongguan_gkmlpt_api_page0.json")
    res = read_list(text, ListRequest(dg["url"], family="gkmlpt", page=1), dg["url"])
    assert res.reports == [] and [r.url for r in res.requests] == dg["next"]
    assert res.requests[0].records == (3, 3)
    links = read_list(text.replace("关于组织申报2026年制造业数字化转型项目的通知",
                                   "东莞市工业和信息化局2025年政府信息公开工作年度报告"),
                      ListRequest(dg["url"], family="gkmlpt", page=1), dg["url"]).reports
    assert [link.url for link in links] == dg["links"][:1]


def test_jpaas_unit_script_and_paging_inside_paramjson():
    """A jpaas column names its list unit in a script tag; the unit is asked with the page in
    paramJson. On the real MIIT answer (two links, no count): a page shorter than asked is the
    last; a full one asks for pageNo 2; the same answer for pageNo 2 is a recorded error."""
    src = SOURCES["mohurd_jpaas_unit_script.html"]
    text = _text("mohurd_jpaas_unit_script.html")
    assert detect(text, src["url"]) == src["family"]
    first = read_list(text, ListRequest(src["url"]), src["url"]).requests[0]
    parts = urlsplit(first.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == src["unit"]
    assert dict(parse_qsl(parts.query)) == src["params"]
    answer = _text("miit_jpaas_unit_answer.json")
    assert read_list(answer, first, src["url"]).requests == []  # 2 links < 20 asked: the last page
    two = read_list(text.replace("'pageId':'abc'", "'pageId':'abc','paramJson':{'pageNo':1,'pageSize':'2'}"),
                    ListRequest(src["url"]), src["url"]).requests[0]
    nxt = read_list(answer, two, src["url"]).requests
    assert [dict(parse_qsl(urlsplit(r.url).query))["paramJson"] for r in nxt] == ['{"pageNo":2,"pageSize":"2"}']
    loop = read_list(answer, nxt[0], src["url"])
    assert loop.requests == [] and "repeats" in (loop.error or "")


def test_hanweb_xxgk_column_call_read_into_its_post():
    """A 大汉 信息公开目录 column (吉林税务, quoted whole in a public test): no list in the markup,
    only the loadDynamic call; it is read into the POST dynamic.js makes — the URL's string
    pieces joined around the script's variables, cid/webid/divid in the form, the area not
    added again (the URL names it)."""
    src = SOURCES["jilin_tax_xxgk_column_call.html"]
    text = _text("jilin_tax_xxgk_column_call.html")
    assert detect(text, src["url"]) == src["family"]
    res = read_list(text, ListRequest(src["url"]), src["url"])
    assert res.error is None and res.reports == [] and len(res.requests) == 1
    first = res.requests[0]
    assert first.method == "POST" and first.url == src["first"] and first.page == 1
    form = dict(first.form)
    assert {k: form[k] for k in src["form"]} == src["form"]
    assert [k for k, _v in first.form].count("area") == 1


def test_hanweb_xxgk_answer_rows_and_pager():
    """The search.jsp answer (assembled from what public scrapers select: see sources.json):
    the whole title from mc/title where the link text is cut, the 通知 beside the report left,
    the pager's javascript links not followed, page 2 asked by currpage from 共2页."""
    src = SOURCES["hanweb_xxgk_search_answer_assembled.html"]
    text = _text("hanweb_xxgk_search_answer_assembled.html")
    column = _text("jilin_tax_xxgk_column_call.html").replace("jilin.chinatax.gov.cn", "x")
    first = read_list(column, ListRequest("https://xxgk-answer.invalid/col/col1/index.html"),
                      "https://xxgk-answer.invalid/col/col1/index.html").requests[0]
    req = replace(first, url=src["url"])
    res = read_list(text, req, src["url"])
    assert res.error is None
    assert [link.url for link in hanweb_xxgk.rows(text, src["url"])] == src["links"]
    assert [link.url for link in res.reports] == src["reports"]
    assert res.reports[0].text.endswith("年度报告")  # not the cut "年度..."
    assert [r.page for r in res.requests] == src["next_pages"]
    assert all(r.method == "POST" and dict(r.form)["currpage"] == str(r.page) for r in res.requests)
    assert res.requests[0].records == (3, 4)
    again = read_list(text, res.requests[0], src["url"])  # page 2 answering page 1's rows
    assert again.requests == [] and "repeats page 1" in (again.error or "")
