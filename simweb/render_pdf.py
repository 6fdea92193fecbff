"""PDF with reportlab: a CJK TrueType font embedded (WenQuanYi Zen Hei when installed, else the
built-in STSong-Light CID font) and tables with drawn grid lines and real spans."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from nianbao.tables import Layout, layout_grid

if TYPE_CHECKING:
    from simweb.render import Item

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register and name the CJK font used for every PDF."""
    for path in CJK_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("NianbaoCJK", path, subfontIndex=0))
            return "NianbaoCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = dict(fontName=font, wordWrap="CJK")
    return {
        "title": ParagraphStyle("t", fontSize=16, leading=24, alignment=1, spaceAfter=12, **base),
        "heading": ParagraphStyle("h", fontSize=12, leading=20, spaceBefore=6, **base),
        "para": ParagraphStyle("p", fontSize=11, leading=18, firstLineIndent=22, **base),
        "cell": ParagraphStyle("c", fontSize=8, leading=10, alignment=1, **base),
    }


def render_pdf(items: list[Item]) -> bytes:
    st = _styles()
    story = []
    for it in items:
        if it.kind == "table":
            story += [_table(it.rows(), st["cell"]), Spacer(1, 4 * mm)]
        else:
            story.append(Paragraph(_esc(it.text), st[it.kind]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm, invariant=1,
                            title=next((i.text for i in items if i.kind == "title"), ""),
                            author="simweb", creator="simweb")
    doc.build(story)
    return buf.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(layout: Layout, style: ParagraphStyle) -> Table:
    texts, _merged, origin = layout_grid(layout)
    width = len(texts[0])
    data = [["" for _ in range(width)] for _ in texts]
    spans = []
    for r, row in enumerate(origin):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            data[r][c] = Paragraph(_esc(cell.text), style)
            if cell.rowspan > 1 or cell.colspan > 1:
                spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    total = A4[0] - 36 * mm
    widths = _col_widths(width, total)
    table = Table(data, colWidths=widths, repeatRows=0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2)] + spans))
    return table


def _col_widths(n: int, total: float) -> list[float]:
    if n == 10:  # table 3: three label columns, seven narrow number columns
        label = [22 * mm, 24 * mm, 40 * mm]
        rest = (total - sum(label)) / 7
        return label + [rest] * 7
    if n == 4:  # table 2: label and three value columns
        return [total * 0.34] + [total * 0.22] * 3
    return [total / n] * n
