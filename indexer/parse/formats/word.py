"""DOCX → blocks, read straight from word/document.xml: paragraphs and tables in document
order, merged cells from w:gridSpan (columns) and w:vMerge (rows) expanded into the grid."""

from __future__ import annotations

import re

from lxml import etree

from indexer.parse.blocks import Block, Extracted, Paragraph, Table
from indexer.parse.formats.errors import CorruptDocument
from indexer.parse.formats.grid import word_table
from indexer.parse.formats.textutil import clean, join
from indexer.parse.formats.zipguard import SafeZip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def extract_docx(data: bytes, fmt: str = "docx") -> Extracted:
    try:
        z = SafeZip(data, "DOCX")
        root = z.xml("word/document.xml", _PARSER)
        core = z.read("docProps/core.xml") if z.has("docProps/core.xml") else b""
    except (KeyError, OSError, etree.XMLSyntaxError, EOFError) as exc:
        raise CorruptDocument(f"DOCX 文件损坏或不完整：{exc}") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise CorruptDocument("DOCX 文件没有正文（word/document.xml 缺少 w:body）")
    blocks: list[Block] = []
    _walk(body, blocks)
    return Extracted(blocks=blocks, format=fmt, title=_core_title(core))


def _walk(parent: etree._Element, blocks: list[Block]) -> None:
    for el in parent:
        if el.tag == f"{W}p":
            for line in _para_lines(el):
                blocks.append(Paragraph(line))
        elif el.tag == f"{W}tbl":
            table = _table(el)
            if table.rows:
                blocks.append(table)
        elif el.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            _walk(el.find(f"{W}sdtContent") if el.tag == f"{W}sdt" else el, blocks)


def _para_lines(p: etree._Element) -> list[str]:
    """A paragraph's text; a manual line break (w:br) starts a new line."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.get(f"{W}type") in (None, "textWrapping"):
            parts.append("\n")
    return [t for t in (clean(x) for x in "".join(parts).split("\n")) if t]


def _cell_text(tc: etree._Element) -> str:
    pieces: list[str] = []
    for p in tc.iter(f"{W}p"):
        pieces.extend(_para_lines(p))
    return join(pieces)


def _table(tbl: etree._Element) -> Table:
    texts: list[list[str]] = []
    merged: list[list[bool]] = []
    for tr in tbl.findall(f"{W}tr"):
        row: list[str] = []
        marks: list[bool] = []
        before = tr.find(f"{W}trPr/{W}gridBefore")
        for _ in range(_int(before)):
            row.append("")
            marks.append(False)
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            colspan = _int(pr.find(f"{W}gridSpan"), 1) if pr is not None else 1
            vmerge = pr.find(f"{W}vMerge") if pr is not None else None
            col = len(row)
            if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue" and texts:
                above = texts[-1]
                text = above[col] if col < len(above) else ""
                copy = True
            else:
                text, copy = _cell_text(tc), False
            for i in range(max(colspan, 1)):
                row.append(text)
                marks.append(copy or i > 0)
        texts.append(row)
        merged.append(marks)
    return word_table(texts, merged)


def _int(node: etree._Element | None, default: int = 0) -> int:
    if node is None:
        return default
    try:
        return max(int(node.get(f"{W}val", "1")), 1)
    except ValueError:
        return 1


def _core_title(core: bytes) -> str | None:
    m = re.search(rb"<dc:title>([^<]*)</dc:title>", core)
    title = clean(m.group(1).decode("utf-8", "replace")) if m else ""
    return title if ("报告" in title or "報告" in title) else None
