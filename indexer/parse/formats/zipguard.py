"""Zip containers (DOCX, OFD) opened and read within the parser's limits.

Checked before anything is inflated: the number of members (central-directory signatures are
counted in the raw bytes before `zipfile` builds one object per entry). Checked for each
member read, before inflating it: its declared size against what is left of the document's
byte budget (`parse_zip_max_bytes`, summed over the members read; members never read, such
as images, do not count). Checked while reading: members are inflated here in chunks, so a
member that inflates past its declared size (a lying header) stops there, never in memory.
`xml()` also counts the elements of each XML part before lxml builds a tree of them
(`parse_xml_max_elements`, summed over the parts: a DOM costs ~100 bytes per element, so
6-byte `<w:p/>` elements would turn 100 MB of XML into GBs).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from indexer.parse.formats import limits
from indexer.parse.formats.errors import CorruptDocument

_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
IN_CHUNK = 64 * 1024
OUT_CHUNK = 1024 * 1024


class SafeZip:
    def __init__(self, data: bytes, kind: str) -> None:
        lim = limits.current()
        self.data, self.kind, self.max_bytes = data, kind, lim.zip_max_bytes
        _check_members(data.count(_CENTRAL), lim, kind)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise CorruptDocument(f"{kind} 文件的 ZIP 容器损坏或不完整 / broken zip container: "
                                  f"{exc}") from exc
        infos = self.zip.infolist()
        _check_members(len(infos), lim, kind)
        self.used = self.elements = 0
        self.max_elements = lim.xml_max_elements
        self.names = {i.filename.lower().lstrip("/"): i.filename for i in infos}

    def has(self, name: str) -> bool:
        return name.lower().lstrip("/") in self.names

    def read(self, name: str) -> bytes:
        """A member by case-insensitive name (KeyError when missing), inflated within the
        declared size and the document's remaining byte budget."""
        info = self.zip.getinfo(self.names[name.lower().lstrip("/")])
        if info.flag_bits & 0x1:
            raise CorruptDocument(f"{self.kind} 的成员已加密 / encrypted member: {info.filename}")
        self._check_bytes(self.used + info.file_size, f"（ZIP 目录声明 {info.filename}）",
                          f" (declared by the zip directory for {info.filename})")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return self._read_other(info)
        start = self._data_start(info)
        raw = memoryview(self.data)[start:start + info.compress_size]
        out = bytearray()
        if info.compress_type == zipfile.ZIP_STORED:
            self._take(info, out, raw)
        else:
            self._inflate(info, raw, out)
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise CorruptDocument(f"{self.kind} 的成员 {info.filename} 损坏（大小或 CRC 不符）/ "
                                  f"member {info.filename} is damaged (size or CRC mismatch)")
        return bytes(out)

    def _inflate(self, info: zipfile.ZipInfo, raw: memoryview, out: bytearray) -> None:
        d = zlib.decompressobj(-15)
        pos = 0
        while True:
            if d.unconsumed_tail:
                chunk: bytes | memoryview = d.unconsumed_tail
            else:
                chunk, pos = raw[pos:pos + IN_CHUNK], pos + IN_CHUNK
            try:
                piece = d.decompress(chunk, OUT_CHUNK)
            except zlib.error as exc:
                raise CorruptDocument(f"{self.kind} 的成员 {info.filename} 无法解压 / cannot "
                                      f"inflate member: {exc}") from exc
            self._take(info, out, piece)
            if d.eof or (not piece and not chunk):
                break

    def _take(self, info: zipfile.ZipInfo, out: bytearray, piece: bytes | memoryview) -> None:
        if len(out) + len(piece) > info.file_size:
            raise CorruptDocument(
                f"{self.kind} 的成员 {info.filename} 解压后超过 ZIP 目录声明的 {info.file_size:,} "
                f"字节（大小信息不实）/ member {info.filename} inflates past the "
                f"{info.file_size:,} bytes its zip header declares (a lying header)")
        self.used += len(piece)
        self._check_bytes(self.used)
        out += piece

    def _check_bytes(self, n: int, zh: str = "", en: str = "") -> None:
        limits.check(n, self.max_bytes, "parse_zip_max_bytes", f"{self.kind} 解压后的大小{zh}",
                     f"{self.kind} uncompressed size{en}", (" 字节", " bytes"))

    def xml(self, name: str, parser: etree.XMLParser) -> etree._Element:
        """A member parsed as XML, within the document's element budget (counted as start
        tags, `<` not followed by `/`, before lxml builds anything)."""
        data = self.read(name)
        self.elements += data.count(b"<") - data.count(b"</")
        limits.check(self.elements, self.max_elements, "parse_xml_max_elements",
                     f"{self.kind} 的 XML 元素数", f"{self.kind} XML element count")
        return etree.fromstring(data, parser)

    def _data_start(self, info: zipfile.ZipInfo) -> int:
        head = self.data[info.header_offset:info.header_offset + 30]
        if len(head) < 30 or not head.startswith(_LOCAL):
            raise CorruptDocument(f"{self.kind} 的成员 {info.filename} 缺少本地文件头 / "
                                  f"missing local header")
        return (info.header_offset + 30 + int.from_bytes(head[26:28], "little")
                + int.from_bytes(head[28:30], "little"))

    def _read_other(self, info: zipfile.ZipInfo) -> bytes:
        """bzip2/lzma members (rare in DOCX/OFD): zipfile stops at the declared size."""
        out = bytearray()
        try:
            with self.zip.open(info) as f:
                while piece := f.read(OUT_CHUNK):
                    self._take(info, out, piece)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
            raise CorruptDocument(f"{self.kind} 的成员 {info.filename} 无法解压 / cannot "
                                  f"inflate member: {exc}") from exc
        return bytes(out)


def check_member_count(data: bytes, kind: str = "ZIP") -> None:
    """Before `zipfile` reads the directory: at most the limit's number of entries."""
    _check_members(data.count(_CENTRAL), limits.current(), kind)


def _check_members(n: int, lim: limits.Limits, kind: str) -> None:
    zh, en = ("ZIP 成员数", "zip member count") if kind == "ZIP" else (
        f"{kind} 的 ZIP 成员数", f"{kind} zip member count")
    limits.check(n, lim.zip_max_members, "parse_zip_max_members", zh, en)
