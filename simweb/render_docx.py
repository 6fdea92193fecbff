"""DOCX (python-docx, real merged cells) and DOC (the DOCX converted by LibreOffice, cached)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from indexer.parse.formats.convert import soffice_convert
from nianbao.settings import get_settings
from nianbao.tables import Layout, layout_grid

if TYPE_CHECKING:
    from simweb.render import Item

FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def render_docx(items: list[Item]) -> bytes:
    doc = Document()
    doc.core_properties.title = next((i.text for i in items if i.kind == "title"), "")
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for it in items:
        if it.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(it.text)
            run.bold = True
            run.font.size = Pt(16)
        elif it.kind == "heading":
            doc.add_paragraph().add_run(it.text).bold = True
        elif it.kind == "para":
            doc.add_paragraph(it.text)
        else:
            _table(doc, it.rows())
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _table(doc: Any, layout: Layout) -> None:  # doc: a docx Document
    texts, _merged, origin = layout_grid(layout)
    table = doc.add_table(rows=len(texts), cols=len(texts[0]))
    table.style = "Table Grid"
    width = len(texts[0])
    grid = table._cells  # fetched once: table.cell() recomputes the whole grid per call
    for r, row in enumerate(origin):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = grid[r * width + c]
            target.text = cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                end = grid[(r + cell.rowspan - 1) * width + c + cell.colspan - 1]
                target.merge(end)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member times and a fixed core-properties date,
    so the same report always gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fixed_dates(body)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _fixed_dates(core: bytes) -> bytes:
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", core)


def cache_dir() -> Path:
    path = get_settings().render_cache or Path(tempfile.gettempdir()) / "nianbao-render"
    path.mkdir(parents=True, exist_ok=True)
    return path


def render_doc(items: list[Item]) -> bytes:
    """Word 97 .doc: the DOCX through LibreOffice, cached by the DOCX's hash (slow: ~seconds)."""
    docx_bytes = render_docx(items)
    key = hashlib.sha256(docx_bytes).hexdigest()
    cached = cache_dir() / f"{key}.doc"
    if cached.exists():
        return cached.read_bytes()
    data = soffice_convert(docx_bytes, "docx", "doc")
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cached)
    return data
