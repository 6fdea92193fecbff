"""Hostile documents, generated (never committed): decompression bombs, a zip whose header
lies about a member's size, zips with very many members, an OFD referencing one page 20,000
times, PDFs with a giant page or image or thousands of pages, a PNG bomb.

Large inflated sizes are produced without compressing every byte: after a full flush a
deflate block depends on no earlier data, so one compressed unit is repeated. Used by
tests/formats/test_limits.py and bench/bench_hostile.py.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

GIB = 1024 ** 3
MIB = 1024 ** 2
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body><w:p>'
             '<w:r><w:t>孟津区朝阳镇人民政府2024年政府信息公开工作年度报告</w:t></w:r></w:p><w:p><w:r>'
             '<w:t>').encode()
DOCX_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                 b'openxmlformats.org/package/2006/content-types"/>')


@dataclass
class Member:
    name: str
    raw: bytes  # the stored or deflated bytes
    crc: int
    size: int  # the true uncompressed size
    method: int = zipfile.ZIP_DEFLATED
    declared: int | None = None  # a lying header: this size instead of `size`


def deflated(name: str, data: bytes) -> Member:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def repeated(name: str, head: bytes, unit: bytes, times: int, tail: bytes) -> Member:
    """A member holding head + unit × times + tail, compressed once per distinct piece."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, first + body * times + last, crc, len(head) + len(unit) * times + len(tail))


def raw_zip(members: list[Member]) -> bytes:
    """A zip written by hand, so sizes and compressed bytes can be anything."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        size = m.size if m.declared is None else m.declared
        offset = len(out)
        fields = (20, 0x800, m.method, 0, 0x21, m.crc, len(m.raw), size, len(name))
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name + m.raw
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0,
                               offset) + name
    n = len(members)
    return bytes(out + central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n,
                                             len(central), len(out), 0))


def _spaces(total: int) -> tuple[bytes, int]:
    unit = b" " * MIB
    return unit, max(total // MIB, 1)


@functools.lru_cache(maxsize=2)
def docx_bomb(inflated: int = int(1.5 * GIB), declared: int | None = None) -> bytes:
    """A DOCX whose document.xml inflates to `inflated` bytes (~1.5 GiB from ~1.5 MB);
    `declared`: the size its zip headers claim instead (a lying header)."""
    unit, times = _spaces(inflated)
    doc = repeated("word/document.xml", DOCX_HEAD, unit, times, DOCX_TAIL)
    doc.declared = declared
    return raw_zip([deflated("[Content_Types].xml", CONTENT_TYPES), doc])


def docx_dense(inflated: int) -> bytes:
    """A DOCX whose document.xml is `inflated` bytes of empty paragraphs (`<w:p/>`)."""
    unit = b"<w:p/>" * (MIB // 6)
    doc = repeated("word/document.xml", DOCX_HEAD + b"</w:t></w:r></w:p>", unit,
                   max(inflated // len(unit), 1), b"<w:p><w:r><w:t>" + DOCX_TAIL)
    return raw_zip([deflated("[Content_Types].xml", CONTENT_TYPES), doc])


def many_members(n: int = 100_000) -> bytes:
    """A DOCX-looking zip with `n` empty members besides its document."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", DOCX_HEAD + "年报".encode() + DOCX_TAIL)
        for i in range(n):
            z.writestr(f"m/{i}", b"")
    return buf.getvalue()


OFD_XML = ('<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/'
           '2016" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:Title>年度报告</ofd:Title>'
           '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
OFD_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/'
               '2016"><ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>')
OFD_TEXT = ('<ofd:TextObject ID="{i}" Boundary="20 {y} 170 6" Font="1" Size="4.2"><ofd:TextCode '
            'X="0" Y="4.2">政府信息公开工作年度报告第{i}行内容</ofd:TextCode></ofd:TextObject>')


def ofd_references(refs: int = 20_000, lines: int = 40) -> bytes:
    """An OFD whose Document.xml lists `refs` pages that are all the same Content.xml."""
    pages = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_0/Content.xml"/>'
                    for i in range(refs))
    document = ('<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.'
                'ofdspec.org/2016"><ofd:CommonData><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
                f'</ofd:CommonData><ofd:Pages>{pages}</ofd:Pages></ofd:Document>')
    objects = "".join(OFD_TEXT.format(i=i, y=20 + i * 6) for i in range(lines))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", OFD_XML)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/Pages/Page_0/Content.xml", OFD_CONTENT.format(objects=objects))
    return buf.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(dict_entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dict_entries, len(data)) + data + b"\nendstream"


def pdf_giant_page(points: int = 14_400) -> bytes:
    """One image-only page of `points` × `points` pt (the PDF maximum), its 1×1 image
    stretched over it: a scan to render at 200 dpi, 40,000 × 40,000 pixels."""
    draw = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (points, points)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>" % (points, points),
        _stream(b"", draw),
        _stream(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8", b"\x80"),
    ])


def pdf_giant_image(side: int = 20_000) -> bytes:
    """An A4 page showing one `side` × `side` grey image (Flate, ~400 KB for 400 MB)."""
    data = zlib_repeated(b"\xff" * side * 50, side // 50)
    draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        _stream(b"", draw),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode" % (side, side), data),
    ])


def zlib_repeated(unit: bytes, times: int) -> bytes:
    """A zlib stream (header, raw deflate, Adler-32) of `unit` × `times`."""
    m = repeated("", b"", unit, times, b"")
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(unit, adler)
    return b"\x78\xda" + m.raw + struct.pack(">I", adler)


def pdf_many_pages(n: int = 5_000) -> bytes:
    """`n` empty pages (a few bytes each)."""
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), *pages])


def png_bomb(side: int = 30_000) -> bytes:
    """A white greyscale PNG of `side` × `side` pixels (900 MB of pixels in ~1 MB)."""
    row = b"\x00" + b"\xff" * side  # filter byte + pixels
    idat = zlib_repeated(row * 100, side // 100)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
