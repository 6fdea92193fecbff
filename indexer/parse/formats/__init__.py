"""Format adapters: bytes → blocks.

`extract(data, filename=None, content_type=None) -> Extracted` tells the format from the bytes
(magic numbers, zip members, markup), never from the name alone, and dispatches:

- html → `html.extract_html` (charset, chrome, article body, tables, shown dates)
- docx → `word.extract_docx`; doc / wps → the native Word 97–2003 reader (`msdoc`), else
  LibreOffice → DOCX (`convert`)
- pdf  → `pdf.extract_pdf` (text layer with pypdfium2, ruled tables, OCR for pages without text)
- ofd  → `ofd.extract_ofd`; images → `ocr.extract_image`
- text / Markdown → the core's `indexer.parse.text.extract_text`

Errors: `UnsupportedFormat` (a kind we do not read), `CorruptDocument` (damaged, truncated,
or a conversion that failed) and `LimitExceeded` (past a resource limit of `limits`: zip
sizes and members, pixels, pages, references, wall time), all `FormatError(NianbaoError)`
with a one-line reason.
"""

from __future__ import annotations

from indexer.parse.blocks import Extracted
from indexer.parse.formats import limits
from indexer.parse.formats.detect import sniff
from indexer.parse.formats.errors import CorruptDocument, FormatError, UnsupportedFormat
from indexer.parse.formats.limits import LimitExceeded

__all__ = ["extract", "sniff", "FormatError", "UnsupportedFormat", "CorruptDocument",
           "LimitExceeded"]


def extract(data: bytes, filename: str | None = None, content_type: str | None = None) -> Extracted:
    """Within the parser's resource limits (`limits.scope`: the settings' limits and a wall-time
    deadline, unless the caller already set them)."""
    with limits.scope():
        return _extract(data, filename, content_type)


def _extract(data: bytes, filename: str | None, content_type: str | None) -> Extracted:
    # Each adapter is imported when a file of its format comes: between them they load lxml,
    # python-docx, pypdfium2, the LibreOffice bridge and Tesseract, which most runs never need.
    kind = sniff(data, filename, content_type)
    if kind == "text":
        from indexer.parse.text import extract_text  # on demand (above)

        return extract_text(data, filename)
    if kind == "html":
        from indexer.parse.formats.html import extract_html  # on demand (above)

        return extract_html(data)
    if kind == "docx":
        from indexer.parse.formats.word import extract_docx  # on demand (above)

        return extract_docx(data)
    if kind in ("doc", "wps"):
        from indexer.parse.formats.convert import extract_legacy  # on demand: LibreOffice

        return extract_legacy(data, kind)
    if kind == "pdf":
        from indexer.parse.formats.pdf import extract_pdf  # on demand: pypdfium2

        return extract_pdf(data)
    if kind == "ofd":
        from indexer.parse.formats.ofd import extract_ofd  # on demand (above)

        return extract_ofd(data)
    from indexer.parse.formats.ocr import extract_image  # on demand: Tesseract OCR

    return extract_image(data)
