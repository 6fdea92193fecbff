"""Format detection from the bytes; names and content types are only hints."""

from __future__ import annotations

import io
import zipfile

import pytest

from indexer.parse.formats import CorruptDocument, UnsupportedFormat, sniff
from indexer.parse.formats.detect import OLE2


@pytest.mark.parametrize("fmt,expected", [("pdf", "pdf"), ("docx", "docx"), ("html", "html"),
                                          ("png", "image"), ("txt", "text")])
def test_detects_rendered_formats_despite_misleading_names(rendered, fmt, expected):
    data = rendered(fmt)
    assert sniff(data, filename="report.doc", content_type="application/msword") == expected
    assert sniff(data, filename="x.html", content_type="text/html") == expected


def test_html_fragment_and_bom_and_xml_declaration():
    assert sniff("<p>报告</p><table><tr><td>1</td></tr></table>".encode()) == "html"
    assert sniff(b"\xef\xbb\xbf<!DOCTYPE html><html></html>") == "html"
    assert sniff(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html>') == "html"


def test_markdown_with_inline_br_stays_text():
    md = "标题\n\n| 一、本年新收 | 0<br>1 |\n|---|---|\n".encode()
    assert sniff(md, filename="a.html") == "text"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def test_zip_kinds():
    assert sniff(_zip({"OFD.xml": b"<ofd:OFD/>"}), filename="a.pdf") == "ofd"
    with pytest.raises(UnsupportedFormat, match="Excel"):
        sniff(_zip({"xl/workbook.xml": b"<x/>"}))
    with pytest.raises(UnsupportedFormat, match="ZIP"):
        sniff(_zip({"readme.txt": b"hi"}))
    with pytest.raises(CorruptDocument):
        sniff(b"PK\x03\x04" + b"\x00" * 40)


def test_ole2_kinds():
    word = OLE2 + b"\x00" * 100 + "WordDocument".encode("utf-16-le")
    assert sniff(word) == "doc"
    assert sniff(word, filename="报告.WPS") == "wps"
    with pytest.raises(UnsupportedFormat, match="Excel"):
        sniff(OLE2 + "Workbook".encode("utf-16-le"))


def test_empty_and_binary_garbage():
    with pytest.raises(UnsupportedFormat, match="空文件"):
        sniff(b"  \n")
    with pytest.raises(UnsupportedFormat, match="二进制"):
        sniff(bytes(range(256)) * 4, filename="a.txt")
    with pytest.raises(UnsupportedFormat, match="RTF"):
        sniff(rb"{\rtf1\ansi hello}")
