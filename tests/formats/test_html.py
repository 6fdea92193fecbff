"""HTML pages as county sites serve them: GBK or UTF-8 (declared wrongly or not at all),
site chrome around the article, rowspan/colspan tables, dates shown as page text."""

from __future__ import annotations

import pytest

from indexer.parse.blocks import Paragraph, Table
from indexer.parse.formats import extract

ARTICLE = """
<div class="article">
<h1>孟津区朝阳镇人民政府2024年政府信息公开工作年度报告</h1>
<p style="text-indent:2em">一、总体情况</p>
<div><span>2024年</span>主动公开政府信息<b>共391条</b>。</div>
<table border="1">
<tr><td rowspan="2" colspan="2">（本列数据的勾稽关系）</td><td colspan="3">申请人情况</td></tr>
<tr><td>自然人</td><td><p>商业</p><p>企业</p></td><td>总计</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td>2</td><td>3</td></tr>
<tr><td>（二）部分公开</td><td>4</td><td>&nbsp;</td><td>4</td></tr>
</table>
<p>六、其他需要报告的事项</p>
<p>本单位未收取信息处理费。</p>
</div>
"""


def page(body: str, charset: str = "gbk", title: str = "朝阳镇2024年政府信息公开工作年度报告_孟津区人民政府") -> str:
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}</title><script>var x = "<p>不是正文</p>";</script><style>p{{color:red}}</style></head>
<body><div class="wza-bar"><a href="#">无障碍</a><a href="#">长者专版</a></div>
<div id="header"><img alt="logo"><span>孟津区人民政府</span></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul>
<div class="container"><div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a>年报</a></div>
<div class="info">发布时间：2025-01-18 10:02 来源：朝阳镇 浏览次数：12</div>
{body}
<div class="bdshare">分享到：<a>微信</a><a>微博</a></div>
<div class="print">【打印本页】【关闭窗口】</div></div>
<div class="footer">主办单位：孟津区人民政府办公室 网站标识码：4103060001 豫ICP备05001234号</div>
</body></html>"""


def test_gbk_page_with_chrome_gives_article_blocks_in_order():
    ex = extract(page(ARTICLE).encode("gbk"), filename="t20250118_1.html")
    assert ex.format == "html"
    texts = [b.text for b in ex.blocks if isinstance(b, Paragraph)]
    assert texts[0] == "孟津区朝阳镇人民政府2024年政府信息公开工作年度报告"
    assert "2024年主动公开政府信息共391条。" in texts
    joined = "".join(texts)
    for chrome in ("无障碍", "长者专版", "首页", "当前位置", "分享到", "打印", "主办单位", "不是正文"):
        assert chrome not in joined
    kinds = [type(b).__name__ for b in ex.blocks]
    assert kinds.index("Table") < texts.index("六、其他需要报告的事项") + 2
    assert texts[-1] == "本单位未收取信息处理费。"


def test_rowspan_colspan_expand_into_grid_with_merged_marks():
    ex = extract(page(ARTICLE, "utf-8").encode("utf-8"))
    table = next(b for b in ex.blocks if isinstance(b, Table))
    assert table.rows == [
        ["（本列数据的勾稽关系）", "（本列数据的勾稽关系）", "申请人情况", "申请人情况", "申请人情况"],
        ["（本列数据的勾稽关系）", "（本列数据的勾稽关系）", "自然人", "商业企业", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "1", "2", "3"],
        ["三、本年度办理结果", "（二）部分公开", "4", "", "4"],
    ]
    assert table.merged[0] == [False, True, False, True, True]
    assert table.merged[1] == [True, True, False, False, False]
    assert table.merged[3] == [True, False, False, False, False]


@pytest.mark.parametrize("encoding,declared", [
    ("gbk", "utf-8"),        # declared wrongly
    ("utf-8", "gb2312"),     # declared wrongly the other way
    ("gb18030", None),       # not declared
    ("gb2312", "gb2312"),
])
def test_charset_from_bytes(encoding, declared):
    html = page(ARTICLE, declared or "")
    if declared is None:
        html = html.replace('<meta http-equiv="Content-Type" content="text/html; charset=">', "")
    ex = extract(html.encode(encoding))
    assert ex.title == "孟津区朝阳镇人民政府2024年政府信息公开工作年度报告"
    assert any(isinstance(b, Paragraph) and "共391条" in b.text for b in ex.blocks)


def test_big5_traditional_page_passes_through():
    body = ARTICLE.replace("报告", "報告").replace("总体情况", "總體情況")
    ex = extract(page(body, "big5", title="年度報告").encode("big5", errors="ignore"))
    assert any(isinstance(b, Paragraph) and "總體情況" in b.text for b in ex.blocks)


@pytest.mark.parametrize("line,expected", [
    ('<div class="info">发布时间：2025-01-18 10:02 来源：朝阳镇</div>', "2025-01-18T10:02:00+08:00"),
    ("<p>来源：民主镇 作者： 时间:2024-01-16 点击率:</p>", "2024-01-16"),
    ("<ul><li>宣威市人民政府门户网 • 2025-02-10 15:59</li></ul>", "2025-02-10T15:59:00+08:00"),
    ("<span>发布日期：2025年1月20日</span>", "2025-01-20"),
])
def test_publication_time_shown_as_text(line, expected):
    html = f"<html><body><div class='head'><h1>2024年报告</h1>{line}</div>{ARTICLE}</body></html>"
    assert extract(html.encode("utf-8")).published == expected


def test_metadata_table_goes_to_meta_not_blocks():
    meta = """<table class="xxgk"><tr><td>索引号：</td><td>01525772-2/20240131-00001</td>
    <td>发文机构：</td><td>民主镇</td></tr><tr><td>成文日期：</td><td>2024-01-30</td>
    <td>发布日期：</td><td>2024-01-31</td></tr></table>"""
    html = f"<html><body><div class='content'>{meta}{ARTICLE}</div></body></html>"
    ex = extract(html.encode("utf-8"))
    assert ex.meta["索引号"] == "01525772-2/20240131-00001"
    assert ex.meta["成文日期"] == "2024-01-30"
    assert ex.meta["发布日期"] == "2024-01-31"
    assert ex.published == "2024-01-31"
    tables = [b for b in ex.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and "索引号" not in str(tables[0].rows)


def test_layout_table_page_and_no_body():
    html = f"<table><tr><td><table><tr><td>导航</td></tr></table></td></tr><tr><td>{ARTICLE}</td></tr></table>"
    ex = extract(("<html>" + html + "</html>").encode("utf-8"))
    assert any(isinstance(b, Table) and len(b.rows) == 4 for b in ex.blocks)
