"""Plain text and Markdown → blocks.

Three table encodings reach us as text (see shared/spec/annual-report.md):
- one row per line, cells separated by tabs (rows may be shifted by a missing merged cell);
- Markdown pipe tables (OCR output) with `<br>` inside cells and a `|---|` rule;
- one cell per line, each cell line starting with a tab, rows separated by blank lines, a cell
  continuing on the following untabbed line (DOCX export).
"""

from __future__ import annotations

import re

from .blocks import Block, Extracted, Paragraph, Table
from .formats.dates import meta_from_lines, published_from_lines
from .formats.encodings import decode_text, utf16_without_bom

_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
_ARTEFACT = re.compile(r"\[bookmark:[^\]]*\]|\ufeff|\u200b")
_MD_SIGN = re.compile(r"^(?:#{1,6}\s|\|.*\|[ \t]*$)", re.M)


def _is_cell(line: str) -> bool:
    """A line of the one-cell-per-line encoding: a leading tab and no other."""
    return line.startswith("\t") and line.find("\t", 1) < 0


def decode(data: bytes) -> str:
    """`formats.encodings.decode_text`: BOM, UTF-16 without BOM, UTF-8, then GB18030, Big5 or
    Shift-JIS (refused) by strict decoding and scoring; an incomplete last character is
    dropped with a logged note. Raises UnsupportedFormat for Japanese text."""
    return decode_text(data).text


def looks_like_text(data: bytes) -> bool:
    """Text, not a binary document: UTF-16 without a BOM, or no NULs and it decodes cleanly
    as UTF-8 or GB18030 (a character cut at the end of the sample is fine)."""
    head = data[:4096]
    if b"\x00" in head:
        return utf16_without_bom(data) is not None
    sample = data[:65536]
    for enc in ("utf-8", "gb18030"):
        try:
            sample.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # cut in the middle of a character
                return True
    return False


def extract_text(data: bytes | str, filename: str | None = None) -> Extracted:
    text = data if isinstance(data, str) else decode(data)
    if "[bookmark:" in text or "\ufeff" in text or "\u200b" in text:  # `in` scans faster than re
        text = _ARTEFACT.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    is_md = bool(filename and filename.lower().endswith((".md", ".markdown"))) or bool(
        _MD_SIGN.search(text, 0, 100_000))
    ex = Extracted(blocks=blocks_from_lines(lines), format="md" if is_md else "txt")
    _page_dates(ex, lines[:40])
    return ex


def _page_dates(ex: Extracted, head: list[str]) -> None:
    """A text saved from a page keeps its "发布时间：…" / 索引号 lines: read them like the HTML
    adapter does."""
    lines = [ln.strip() for ln in head if ln.strip()]
    ex.published = published_from_lines(lines)
    ex.meta = meta_from_lines(lines)


def blocks_from_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if "\t" not in line and "|" not in line:  # prose: no table encoding can start here
            if text := _paragraph(line):
                blocks.append(Paragraph(text))
            i += 1
        elif line.lstrip().startswith("|") and "|" in line.strip()[1:]:
            i = _md_table(lines, i, blocks)
        elif _is_cell(line) and _starts_cell_rows(lines, i):
            i = _cell_rows(lines, i, blocks)
        elif "\t" in line.strip("\t ") or (line.count("\t") >= 2 and line.strip()):
            i = _tab_table(lines, i, blocks)
        else:
            text = _paragraph(line)
            if text:
                blocks.append(Paragraph(text))
            i += 1
    return blocks


def _paragraph(line: str) -> str:
    if "#" not in line and "<" not in line:
        return line.strip()
    line = _MD_HEADING.sub("", line.strip())
    return _TAG.sub("", _BR.sub("\n", line)).strip()


def _cell(text: str) -> str:
    # a <br> inside a cell is layout (社会<br>公益<br>组织), not a word break
    if "<" not in text:
        return text.strip()
    return _TAG.sub("", _BR.sub("", text)).strip()


def _cells(parts: list[str], line: str) -> list[str]:
    """`_cell` of each part; a line without markup needs only the strip."""
    if "<" not in line:
        return list(map(str.strip, parts))
    return list(map(_cell, parts))


def _md_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        line = lines[i].strip()
        i += 1
        if "--" in line and _MD_RULE.match(line):
            continue
        inner = line[1:-1] if line.endswith("|") and len(line) > 1 else line[1:]
        rows.append(_cells(inner.split("|"), inner))
    if rows:
        blocks.append(Table(rows=rows))
    return i


def _tab_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    while i < len(lines) and "\t" in lines[i] and lines[i].strip():
        line = lines[i]
        rows.append(_cells(line.split("\t"), line))
        i += 1
    if len(rows) == 1 and sum(1 for c in rows[0] if c) <= 1:
        text = " ".join(c for c in rows[0] if c)  # a stray tab in prose
        if text:
            blocks.append(Paragraph(text))
    elif rows:
        blocks.append(Table(rows=rows))
    return i


def _starts_cell_rows(lines: list[str], i: int) -> bool:
    """A cell-per-line table: a group of ≥2 tabbed single-cell lines."""
    j = i + 1
    while j < len(lines) and j < i + 3 and lines[j] and not _is_cell(lines[j]):
        j += 1  # continuation lines of the first cell
    return j < len(lines) and bool(_is_cell(lines[j])) or (
        j + 1 < len(lines) and not lines[j].strip() and bool(_is_cell(lines[j + 1])))


def _cell_rows(lines: list[str], i: int, blocks: list[Block]) -> int:
    """Rows of tab-led cell lines separated by blank lines; untabbed lines continue a cell.
    Ends at a non-empty untabbed line that follows a blank line."""
    rows: list[list[str]] = []
    row: list[str] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_cell(line):
            row.append(line[1:].strip())
        elif not line.strip():
            if row:
                rows.append(row)
                row = []
            if i + 1 < n and lines[i + 1].strip() and not _is_cell(lines[i + 1]):
                i += 1
                break
        elif row:
            row[-1] += line.strip()  # the cell goes on (商业\n企业)
        else:
            break
        i += 1
    if row:
        rows.append(row)
    # cells were stripped as they were read; only markup (<br>) needs another pass
    rows = [_cells(r, joined) if "<" in (joined := "".join(r)) else r for r in rows]
    if rows:
        blocks.append(Table(rows=rows))
    return i
