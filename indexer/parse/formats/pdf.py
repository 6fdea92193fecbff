"""PDF → blocks with pypdfium2 (fast, permissive licence).

Per page: the drawn line segments give ruled tables (`lattice`), each cell's text is read
from its box; text outside tables is grouped into lines and lines into paragraphs. A page
without a text layer (a scan) is rendered and OCRed (`ocr`). A table continued on the next
page is joined to its first part.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.parse.blocks import Block, Extracted, Paragraph, Table
from indexer.parse.formats import lattice, limits
from indexer.parse.formats.errors import CorruptDocument
from indexer.parse.formats.ocr import ocr_page
from indexer.parse.formats.textutil import clean, join

MIN_TEXT_CHARS = 10  # fewer characters than this on a page with an image: a scan
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、．]|第[一二三四五六七八九十\d]+)")
_PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                          r"|\d+\s*/\s*\d+)$")


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str


def extract_pdf(data: bytes) -> Extracted:
    try:
        pdf = pdfium.PdfDocument(data)
        n_pages = len(pdf)
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"PDF 文件损坏或不完整：{exc}") from exc
    pages: list[list[Block]] = []
    used_ocr = False
    try:
        lim = limits.current()
        limits.check(n_pages, lim.max_pages, "parse_max_pages", "PDF 页数", "PDF page count")
        for i in range(n_pages):
            limits.check_time()
            page = pdf[i]
            blocks, was_ocr = _page(page)
            used_ocr |= was_ocr
            pages.append(blocks)
            page.close()
        title = _title(pdf)
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"PDF 页面无法读取：{exc}") from exc
    finally:
        pdf.close()
    if not any(pages):
        raise CorruptDocument("PDF 没有可读的文字（没有文字层，也没有可识别的页面图像）")
    return Extracted(blocks=_join_pages(pages), format="pdf", title=title, ocr=used_ocr)


def _title(pdf: pdfium.PdfDocument) -> str | None:
    title = clean(pdf.get_metadata_dict().get("Title", "") or "")
    return title if ("报告" in title or "報告" in title) else None


def _page(page: pdfium.PdfPage) -> tuple[list[Block], bool]:
    tp = page.get_textpage()
    try:
        n_chars = tp.count_chars()
        if n_chars < MIN_TEXT_CHARS and not tp.get_text_range().strip()[MIN_TEXT_CHARS - 1:]:
            if _has_image(page):
                return ocr_page(page), True
            return [], False
        return _text_page(page, tp), False
    finally:
        tp.close()


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _segments(page: pdfium.PdfPage, height: float) -> list[lattice.Seg]:
    """Axis-parallel straight pieces of every path on the page, y measured from the top.
    Uses the raw PDFium API: the object wrappers cost more than the geometry."""
    segs: list[lattice.Seg] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    m = pdfium_c.FS_MATRIX()
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
            continue
        pts: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
            px = m.a * x.value + m.c * y.value + m.e
            py = height - (m.b * x.value + m.d * y.value + m.f)
            if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO or not pts:
                pts, start = [(px, py)], (px, py)
            else:
                pts.append((px, py))
                if (sg := lattice.segment(*pts[-2], *pts[-1])) is not None:
                    segs.append(sg)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start and pts[-1] != start:
                if (sg := lattice.segment(*pts[-1], *start)) is not None:
                    segs.append(sg)
    return segs


def _text_page(page: pdfium.PdfPage, tp: pdfium.PdfTextPage) -> list[Block]:
    width, height = page.get_size()
    tables = [t for t in lattice.find_tables(_segments(page, height))
              if len(t.xs) >= 3 and len(t.ys) >= 3]
    items: list[tuple[float, object]] = []
    for lat in tables:
        texts = [_box_text(tp, reg.box, height) for reg in lat.regions]
        table = lattice.to_table(lat, texts)
        if table.rows:
            items.append((lat.ys[0], table))
    boxes = [t.box for t in tables]
    for line in _lines(tp, height, boxes):
        items.append((line.top, line))
    items.sort(key=lambda it: it[0])
    return _paragraphs(items)


def _box_text(tp: pdfium.PdfTextPage, box: tuple[float, float, float, float], height: float) -> str:
    x0, y0, x1, y1 = box
    raw = tp.get_text_bounded(left=x0 + 0.5, bottom=height - y1 + 0.5,
                              right=x1 - 0.5, top=height - y0 - 0.5)
    return join([clean(p) for p in re.split(r"[\r\n]+", raw)])


def _inside(x: float, y: float, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(b[0] - 1 <= x <= b[2] + 1 and b[1] - 1 <= y <= b[3] + 1 for b in boxes)


def _lines(tp: pdfium.PdfTextPage, height: float,
           boxes: list[tuple[float, float, float, float]]) -> list[_Line]:
    """Characters outside the tables, grouped into visual lines (content-stream order, a new
    line where the baseline moves); loose boxes so punctuation sits on its line."""
    lines: list[_Line] = []
    chars: list[str] = []
    cur: _Line | None = None
    box = pdfium_c.FS_RECTF()
    n = tp.count_chars()
    text = tp.get_text_range(0, n)
    if len(text) != n:  # characters outside the BMP: ask per character
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i)) for i in range(n))
    raw = tp.raw
    for i, ch in enumerate(text):
        if ch in "\r\n\x00\ufffe" or (ch == " " and pdfium_c.FPDFText_IsGenerated(raw, i) == 1):
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        top, bottom = height - box.top, height - box.bottom
        mid = (top + bottom) / 2
        if boxes and _inside((box.left + box.right) / 2, mid, boxes):
            continue
        if cur is None or not (cur.top <= mid <= cur.bottom) or box.left < cur.x0 - 1:
            if cur is not None:
                cur.text = clean("".join(chars))
                lines.append(cur)
            cur, chars = _Line(top, bottom, box.left, box.right, ""), []
        cur.x1 = max(cur.x1, box.right)
        chars.append(ch)
    if cur is not None:
        cur.text = clean("".join(chars))
        lines.append(cur)
    return [ln for ln in lines if ln.text and not _PAGE_NUMBER.match(ln.text)]


def _paragraphs(items: list[tuple[float, object]]) -> list[Block]:
    """Join wrapped lines: a line that reaches the right margin continues into the next
    line unless that one is indented."""
    lines = [it for _, it in items if isinstance(it, _Line)]
    if not lines:
        return [it for _, it in items]  # type: ignore[misc]
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    blocks: list[Block] = []
    prev: _Line | None = None
    for _, it in items:
        if isinstance(it, Table):
            blocks.append(it)
            prev = None
            continue
        assert isinstance(it, _Line)
        em = max(it.bottom - it.top, 6.0)
        if (prev is not None and blocks and isinstance(blocks[-1], Paragraph)
                and prev.x1 >= right - 1.5 * em and it.x0 <= left + 0.8 * em
                and it.top - prev.bottom < 1.2 * em and not _HEADING.match(it.text)):
            blocks[-1] = Paragraph(join([blocks[-1].text, it.text]))
        else:
            blocks.append(Paragraph(it.text))
        prev = it
    return blocks


def _join_pages(pages: list[list[Block]]) -> list[Block]:
    """Concatenate pages; a table that ends one page and one that starts the next with the
    same number of columns are one table broken by the page."""
    out: list[Block] = []
    for blocks in pages:
        if (blocks and out and isinstance(out[-1], Table) and isinstance(blocks[0], Table)
                and len(out[-1].rows[0]) == len(blocks[0].rows[0])):
            out[-1] = Table(out[-1].rows + blocks[0].rows, out[-1].merged + blocks[0].merged)
            blocks = blocks[1:]
        out.extend(blocks)
    return out
