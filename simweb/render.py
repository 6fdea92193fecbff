"""Facts → files: render a contract-JSON report as HTML, DOCX, DOC, PDF, PNG or TXT.

Used by the simulated web (documents for the crawler) and by the parser's round-trip tests.
Every format is drawn from one document model (`document_items`) and the shared table
layouts of `nianbao.tables`, so they all carry the same facts. Output is deterministic.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import opencc

from nianbao.errors import NianbaoError
from nianbao.tables import Cell, Layout, layout_grid, report_tables

FORMATS = ("html", "docx", "doc", "pdf", "png", "txt")
NUMERALS = "一二三四五六七八九十"


class RenderError(NianbaoError):
    """A report that cannot be rendered in the asked format."""


@dataclass(frozen=True)
class Item:
    kind: str  # "title" | "heading" | "para" | "table"
    text: str = ""
    layout: tuple = ()  # a Layout as nested tuples (hashable, so items can be cached)

    def rows(self) -> Layout:
        return [list(r) for r in self.layout]


@lru_cache(maxsize=1)
def _s2t() -> Any:  # an opencc.OpenCC
    return opencc.OpenCC("s2t")


def _conv(text: str, script: str) -> str:
    return _s2t().convert(text) if script == "traditional" else text


def _heading(section: dict) -> str:
    n = section.get("number")
    head = section.get("heading") or ""
    if isinstance(n, int) and 1 <= n <= 10:
        return f"{NUMERALS[n - 1]}、{head}"
    return head


def document_items(report: dict, script: str = "simplified") -> list[Item]:
    """The report as an ordered list of title, headings, paragraphs and tables."""
    tables = report_tables(report)
    items = [Item("title", _conv(report.get("title") or "", script))]
    placed: set[int] = set()
    for section in report.get("sections") or []:
        items.append(Item("heading", _conv(_heading(section), script)))
        for para in (section.get("text") or "").split("\n"):
            if para.strip():
                items.append(Item("para", _conv(para.strip(), script)))
        n = section.get("number")
        if n in tables and n not in placed:
            items.append(_table_item(tables[n], script))
            placed.add(n)
    for n, layout in tables.items():  # tables whose part is missing still appear
        if n not in placed:
            items.append(_table_item(layout, script))
    return items


def _table_item(layout: Layout, script: str) -> Item:
    conv = tuple(tuple(Cell(_conv(c.text, script), c.rowspan, c.colspan, c.header) for c in row)
                 for row in layout)
    return Item("table", layout=conv)


def render_report(report: dict, fmt: str, *, script: str = "simplified") -> bytes:
    """Render `report` (contract JSON) as `fmt`; `script="traditional"` converts with OpenCC."""
    if fmt not in FORMATS:
        raise RenderError(f"不支持的输出格式：{fmt}（可选：{', '.join(FORMATS)}）")
    if script not in ("simplified", "traditional"):
        raise RenderError(f"未知的字形：{script}")
    items = document_items(report, script)
    if fmt == "html":
        return render_html(items).encode("utf-8")
    if fmt == "txt":
        return render_txt(items).encode("utf-8")
    if fmt == "docx":
        from simweb.render_docx import render_docx  # per format, on demand: python-docx

        return render_docx(items)
    if fmt == "doc":
        from simweb.render_docx import render_doc  # on demand: python-docx and LibreOffice

        return render_doc(items)
    if fmt == "pdf":
        from simweb.render_pdf import render_pdf  # on demand: reportlab

        return render_pdf(items)
    from simweb.render_png import render_png  # on demand: Pillow

    return render_png(items)


def render_html(items: list[Item]) -> str:
    """An article fragment: h1, paragraphs, tables with real rowspan/colspan."""
    out = ['<div class="article">']
    for it in items:
        esc = _html.escape(it.text)
        if it.kind == "title":
            out.append(f"<h1>{esc}</h1>")
        elif it.kind == "heading":
            out.append(f"<p><strong>{esc}</strong></p>")
        elif it.kind == "para":
            out.append(f'<p style="text-indent:2em">{esc}</p>')
        else:
            out.append(_html_table(it.rows()))
    out.append("</div>")
    return "\n".join(out) + "\n"


def _html_table(layout: Layout) -> str:
    rows = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">',
            "<tbody>"]
    for row in layout:
        cells = []
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            cells.append(f"<td{attrs}><p>{_html.escape(c.text)}</p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


def render_txt(items: list[Item]) -> str:
    """Plain text as converters emit it: one table row per line, tab-separated,
    with empty cells where a merged cell continues (the encoding of seed 000)."""
    out: list[str] = []
    for it in items:
        if it.kind == "table":
            texts, merged, _ = layout_grid(it.rows())
            for r, row in enumerate(texts):
                out.append("\t".join("" if merged[r][c] else t for c, t in enumerate(row)))
        else:
            out.append(it.text)
        out.append("")
    return "\n".join(out)
