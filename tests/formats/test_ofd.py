"""OFD: a hand-built package (OFD.xml → Document.xml → page Content.xml) with positioned
text and a ruled 3×3 table whose top row spans two columns."""

from __future__ import annotations

import io
import zipfile

import pytest

from indexer.parse.blocks import Paragraph, Table
from indexer.parse.formats import FormatError, extract

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _text(x: float, y: float, text: str, size: float = 4.0) -> str:
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 150 {size * 1.5}" Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {max(len(text) - 1, 1)} {size}">{text}'
            f"</ofd:TextCode></ofd:TextObject>")


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return (f'<ofd:PathObject ID="2" Boundary="0 0 210 297" LineWidth="0.3">'
            f"<ofd:AbbreviatedData>M {x0} {y0} L {x1} {y1}</ofd:AbbreviatedData></ofd:PathObject>")


def build_ofd() -> bytes:
    ys = [60, 70, 80, 90]
    lines = [_line(20, y, 180, y) for y in ys]
    lines += [_line(x, 60, x, 90) for x in (20, 80, 180)]
    lines += [_line(130, 70, 130, 90)]  # no separator in the top row: a span
    cells = [_text(22, 61, "信息内容"), _text(82, 61, "本年处理决定数量"),
             _text(22, 71, "行政许可"), _text(82, 71, "15"), _text(132, 71, "16"),
             _text(22, 81, "行政处罚"), _text(82, 81, "27"), _text(132, 81, "28")]
    content = (f"<ofd:Page {NS}><ofd:Content><ofd:Layer ID='0'>"
               + _text(40, 20, "某某镇2024年政府信息公开工作年度报告", 6)
               + _text(20, 40, "二、主动公开政府信息情况")
               + "".join(lines) + "".join(cells)
               + _text(20, 100, "六、其他需要报告的事项")
               + "</ofd:Layer></ofd:Content></ofd:Page>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", f"<ofd:OFD {NS}><ofd:DocBody><ofd:DocInfo><ofd:Title>某某镇2024年"
                   f"政府信息公开工作年度报告</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml"
                   f"</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        z.writestr("Doc_0/Document.xml", f"<ofd:Document {NS}><ofd:Pages><ofd:Page ID='1' "
                   f"BaseLoc='Pages/Page_0/Content.xml'/></ofd:Pages></ofd:Document>")
        z.writestr("Doc_0/Pages/Page_0/Content.xml", content)
    return buf.getvalue()


def test_ofd_text_and_ruled_table():
    ex = extract(build_ofd(), filename="report.pdf")
    assert ex.format == "ofd"
    assert ex.title == "某某镇2024年政府信息公开工作年度报告"
    kinds = [type(b).__name__ for b in ex.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    assert isinstance(ex.blocks[0], Paragraph) and ex.blocks[0].text == ex.title
    table = ex.blocks[2]
    assert isinstance(table, Table)
    assert table.rows == [["信息内容", "本年处理决定数量", "本年处理决定数量"],
                          ["行政许可", "15", "16"], ["行政处罚", "27", "28"]]
    assert table.merged[0] == [False, False, True]


def test_truncated_ofd():
    data = build_ofd()
    with pytest.raises(FormatError, match="OFD|ZIP"):
        extract(data[: len(data) - 60])
