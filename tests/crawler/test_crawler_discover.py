"""Discovery helpers alone: report titles, years, shown dates, name matching, normalisation."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.discover import (
    attachments,
    is_report_title,
    organ_of,
    page_text,
    parse_listing,
    published_shown,
    year_of,
)
from crawler.httputil import decode_html, is_challenge, retry_after_seconds
from crawler.match import Matcher
from crawler.normalize import content_hash
from crawler.registry import Publisher


@pytest.mark.parametrize("title", [
    "城关镇人民政府2024年政府信息公开工作年度报告",
    "息县城关镇2023年度政府信息公开工作年度报告",
    "开阳县教育局2022年政府信息公开年报",
    "城關鎮人民政府2024年政府信息公開工作年度報告",
    "二〇二三年城关镇政府信息公开工作年度报告",
])
def test_report_titles_recognised(title):
    assert is_report_title(title)


@pytest.mark.parametrize("title", [
    "息县人民政府办公室关于做好2024年度政府信息公开工作年度报告编制发布工作的通知",
    "城关镇2024年度政府信息公开工作自查报告",
    "关于息县2024年政府信息公开工作年度报告有关问题的复函",
    "城关镇2024年法治政府建设年度报告",
    "政府信息公开工作年度报告",  # no year: not attributable
])
def test_neighbours_rejected(title):
    assert not is_report_title(title)


def test_year_and_organ():
    assert year_of("城关镇2023年度政府信息公开工作年度报告") == 2023
    assert year_of("二〇二三年城关镇政府信息公开工作年度报告") == 2023
    assert organ_of("息县城关镇人民政府2024年政府信息公开工作年度报告") == "息县城关镇人民政府"


@pytest.mark.parametrize("text,expected", [
    ("标题\n发布时间：2025-01-18 10:02 来源：城关镇", datetime(2025, 1, 18, 10, 2)),
    ("来源:城关镇 作者: 时间:2025-01-18 点击率:321", datetime(2025, 1, 18)),
    ("息县人民政府门户网 • 2025-01-18 10:02", datetime(2025, 1, 18, 10, 2)),
    ("成文日期\n2025-01-10\n名称\n某报告\n发布日期\n2025-01-18", datetime(2025, 1, 18)),
    ("发布日期：2025年1月8日", datetime(2025, 1, 8)),
    ("没有日期的页面", None),
])
def test_published_shown(text, expected):
    assert published_shown(text) == expected


def _pub(pid, name, level="township", county="息县"):
    return Publisher(id=pid, name=name, level=level, province="河南省", city="信阳市", county=county,
                     entry_url="http://127.0.0.1:1/list/index.html")


def test_matching_tolerates_prefix_suffix_script():
    pubs = [_pub("t1", "城关镇人民政府"), _pub("s1", "谯楼街道办事处", "subdistrict"),
            _pub("g", "息县人民政府", "county"), _pub("d", "息县教育局", "department"),
            _pub("t2", "城关镇人民政府", county="罗山县")]
    m = Matcher(pubs)
    entry = "http://127.0.0.1:1/list/index.html"
    assert m.match("息县城关镇人民政府2024年政府信息公开工作年度报告", entry).id == "t1"
    assert m.match("罗山县城关镇2024年度政府信息公开工作年度报告", entry).id == "t2"
    assert m.match("谯楼街道2024年政府信息公开工作年度报告", entry).id == "s1"
    assert m.match("息县人民政府2024年政府信息公开工作年度报告", entry).id == "g"
    assert m.match("信阳市息县教育局2023年政府信息公开工作年度报告", entry).id == "d"
    assert m.match("息縣教育局2023年政府資訊公開工作年度報告", entry).id == "d"
    # Two 城关镇 and no county in the title: ambiguous, left unmatched rather than guessed.
    assert m.match("城关镇2024年政府信息公开工作年度报告", entry) is None
    assert m.match("某某乡2024年政府信息公开工作年度报告", entry) is None


LIST = """<html><head><meta charset="utf-8"></head><body>
<div class="nav"><a href="/">首页</a><a href="/search/?q=">站内搜索</a></div>
<ul>
<li><a href="./202501/t20250118_1.html" title="城关镇人民政府2024年政府信息公开工作年度报告">城关镇人民政府2024年政府信息...</a><span>2025-01-18</span></li>
<li><a href="/xxgk/ndbg/202501/t20250103_2.html">关于做好2024年度政府信息公开工作年度报告编制发布工作的通知</a></li>
<li><a href="/module/download/a.pdf">谯楼街道2024年政府信息公开工作年度报告.pdf</a></li>
</ul>
<div class="pagination"><a href="index_1.html">下一页</a><a href="index_5.html">尾页</a>
<a href="/other/index_2.html">别的栏目</a></div></body></html>"""


def test_parse_listing_reports_and_pagination():
    url = "http://h:1/xxgk/ndbg/index.html"
    listing = parse_listing(LIST, url, url)
    assert [r.url for r in listing.reports] == [
        "http://h:1/xxgk/ndbg/202501/t20250118_1.html", "http://h:1/module/download/a.pdf"]
    assert listing.reports[0].text == "城关镇人民政府2024年政府信息公开工作年度报告"  # untruncated title
    assert listing.pages == ["http://h:1/xxgk/ndbg/index_1.html", "http://h:1/xxgk/ndbg/index_5.html"]


def test_attachments_and_page_text():
    page = ('<html><body><script>var x="点击率"</script><p>详见附件。</p><p>附件：<a href="/d/1.pdf">报告.pdf</a>'
            '<a href="/d/dl?id=7">报告.docx</a><a href="/x.html">其他</a></p></body></html>')
    assert attachments(page, "http://h:1/a/b.html") == ["http://h:1/d/1.pdf", "http://h:1/d/dl?id=7"]
    assert "var x" not in page_text(page)


def test_normalised_hash_ignores_counters():
    a = "<html><body><p>报告正文</p><div>点击率:12</div></body></html>"
    b = "<html><body><p>报告正文</p><div>点击率:13</div></body></html>"
    c = "<html><body><p>报告正文（修订）</p><div>点击率:13</div></body></html>"
    assert content_hash(a.encode(), a) == content_hash(b.encode(), b)
    assert content_hash(b.encode(), b) != content_hash(c.encode(), c)


def test_charset_detection_survives_wrong_declarations():
    text = "<html><head><meta charset='utf-8'></head><body>政府信息公开工作年度报告</body></html>"
    gbk = text.encode("gbk")
    assert "年度报告" in decode_html(gbk, "text/html; charset=utf-8")[0]  # declared utf-8, is GBK
    utf = text.replace("utf-8", "gbk").encode("utf-8")
    assert "年度报告" in decode_html(utf, "text/html; charset=gbk")[0]  # declared GBK, is UTF-8


def test_challenge_recognition():
    js = b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>"
    assert is_challenge(412, b"")
    assert is_challenge(403, js, "text/html")
    assert is_challenge(200, js, "text/html")
    report = "<html><script>var a=1</script><p>验证码</p><p>政府信息公开工作年度报告 …</p></html>".encode()
    assert not is_challenge(200, report, "text/html")
    assert not is_challenge(404, b"<h1>404</h1>", "text/html")


def test_retry_after_forms():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_scripted_trs_pager():
    page = ('<html><body><ul><li><a href="./t1.html">城关镇2024年政府信息公开工作年度报告</a></li></ul>'
            '<script>createPageHTML(3, 0, "index", "html");</script></body></html>')
    url = "http://h:1/xxgk/ndbg/index.html"
    assert parse_listing(page, url, url).pages == [
        "http://h:1/xxgk/ndbg/index_1.html", "http://h:1/xxgk/ndbg/index_2.html"]
