"""Decode web pages whose charset is declared wrongly or not at all (GBK, GB18030, Big5, UTF-8)."""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BIG5 = {"big5", "big5-hkscs", "big5hkscs", "cp950", "x-big5"}


def declared(data: bytes) -> str | None:
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then strict UTF-8, then the declared Chinese family,
    then charset-normalizer; GB18030 (a superset of GB2312/GBK) stands in for every GB name."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decl = declared(data)
    order = ["big5hkscs", "gb18030"] if decl in _BIG5 else ["gb18030"]
    for enc in order:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return _guess(data)


def _guess(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    enc = best.encoding if best is not None else "gb18030"
    if enc.replace("_", "").lower() in {e.replace("-", "") for e in _GB} | {"gb18030"}:
        enc = "gb18030"
    return data.decode(enc, errors="replace"), enc
