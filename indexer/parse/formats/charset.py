"""Decode web pages whose charset is declared wrongly or not at all (GBK, GB18030, Big5, UTF-8)."""

from __future__ import annotations

import re

from indexer.parse.formats.encodings import decode_text

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BIG5 = {"big5", "big5-hkscs", "big5hkscs", "cp950", "x-big5"}


def declared(data: bytes) -> str | None:
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): `encodings.decode_text` (BOM, UTF-16 without BOM, strict UTF-8, then
    GB18030 / Big5 / Shift-JIS by strict decoding and scoring), trying the declared Chinese
    charset first; GB18030 (a superset of GB2312/GBK) stands in for every GB name."""
    decl = declared(data)
    preferred = ("big5hkscs",) if decl in _BIG5 else ("gb18030",) if decl in _GB else ()
    got = decode_text(data, preferred)
    return got.text, got.encoding
