"""Damaged input gives a documented one-line error (FormatError / ParseError), never a crash."""

from __future__ import annotations

import pytest

from indexer.parse import ParseError, parse
from indexer.parse.formats import FormatError, extract
from tests.formats.tools import require_soffice


def _cuts(data: bytes) -> list[bytes]:
    return [data[: len(data) // 2], data[:200], data[:-400]]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "png"])
def test_truncated_documents(rendered, fmt):
    for cut in _cuts(rendered(fmt)):
        try:
            ex = extract(cut)
        except FormatError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:  # a reader may recover part of a truncated file: it must still be blocks
            assert isinstance(ex.blocks, list)
        with _no_crash():
            parse(cut)


class _no_crash:
    """parse() either works or raises ParseError."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is None or issubclass(kind, ParseError)


def test_garbage_with_pdf_magic():
    with pytest.raises(FormatError, match="PDF"):
        extract(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_docx_zip_without_document_body():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", b"<w:document xmlns:w='x'><broken")
    with pytest.raises(FormatError, match="DOCX"):
        extract(buf.getvalue())


def test_broken_image():
    with pytest.raises(FormatError, match="图片"):
        extract(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


def test_corrupt_doc_reports_conversion_failure():
    require_soffice()
    from indexer.parse.formats.detect import OLE2

    bad = OLE2 + b"\x00" * 512 + "WordDocument".encode("utf-16-le") + b"\xff" * 512
    with pytest.raises(FormatError, match="DOC"):
        extract(bad, filename="a.doc")


def test_parse_wraps_adapter_errors():
    with pytest.raises(ParseError, match="Excel"):
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", b"<x/>")
        parse(buf.getvalue(), filename="a.docx")
