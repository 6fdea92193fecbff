"""Tell a document's format from its bytes; the name and content type only break ties."""

from __future__ import annotations

import io
import re
import zipfile

from indexer.parse.formats.encodings import utf16_without_bom
from indexer.parse.formats.errors import CorruptDocument, UnsupportedFormat
from indexer.parse.formats.zipguard import check_member_count

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"),
           (b"MM\x00*", "tiff"), (b"GIF87a", "gif"), (b"GIF89a", "gif"), (b"BM", "bmp"))
_HTML_START = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|h1|"
                         rb"!--|\?xml[^>]*>\s*<!doctype\s+html|\?xml[^>]*>\s*<html)", re.I)
_HTML_ANY = re.compile(rb"<(?:html|body|head)[\s>]|<!doctype\s+html", re.I)
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_WPS_STREAM = "WpsContent".encode("utf-16-le")
_OTHER_OLE = {"Workbook": "Excel 表格", "PowerPoint Document": "PowerPoint 演示文稿"}


def sniff(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """One of: pdf, docx, ofd, doc, wps, image, html, text. Raises UnsupportedFormat."""
    if not data or not data.strip():
        raise UnsupportedFormat("空文件：没有可解析的内容")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(OLE2):
        return _ole_kind(data, filename)
    if head.lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFormat("不支持的格式：RTF 文档")
    for magic, _kind in _IMAGES:
        if data.startswith(magic):
            return "image"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if enc16 := utf16_without_bom(data):  # text, though its ASCII comes with NUL bytes
        body = data[:8192].decode(enc16, errors="ignore").encode("utf-8")
    if _HTML_START.match(body[:2048]) or _HTML_ANY.search(body[:4096]):
        return "html"
    if enc16:
        return "text"
    if _is_binary(head):
        raise UnsupportedFormat(f"无法识别的二进制文件（{_hint(filename, content_type)}）")
    return "text"


def _zip_kind(data: bytes) -> str:
    check_member_count(data)
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptDocument(f"ZIP 容器损坏或不完整（DOCX/OFD）：{exc}") from exc
    lower = {n.lower() for n in names}
    if "word/document.xml" in lower:
        return "docx"
    if "ofd.xml" in lower:
        return "ofd"
    if "xl/workbook.xml" in lower:
        raise UnsupportedFormat("不支持的格式：Excel 表格（xlsx）")
    raise UnsupportedFormat("不支持的格式：ZIP 压缩包（不是 DOCX 或 OFD）")


def _ole_kind(data: bytes, filename: str | None) -> str:
    if _WPS_STREAM in data and _WORD_STREAM not in data:
        return "wps"
    if _WORD_STREAM in data:
        return "wps" if (filename or "").lower().endswith(".wps") else "doc"
    for stream, what in _OTHER_OLE.items():
        if stream.encode("utf-16-le") in data:
            raise UnsupportedFormat(f"不支持的格式：{what}")
    raise CorruptDocument("OLE2 文件损坏或不是 Word/WPS 文档")


def _is_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def _hint(filename: str | None, content_type: str | None) -> str:
    return ", ".join(x for x in (filename, content_type) if x) or "无文件名"
