"""Small text helpers shared by the adapters: whitespace, CJK-aware joins."""

from __future__ import annotations

import re

_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_WS_NL = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n\s*(?=[{_CJK}])")
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u2002\u2003\u2009\u200b]+")
_CJK_END = re.compile(rf"[{_CJK}]$")
_CJK_START = re.compile(rf"^[{_CJK}]")


def clean(text: str) -> str:
    """Collapse source whitespace: a line break between two CJK characters is markup
    formatting, not a space; other runs become one space. Ideographic spaces stay
    inside the text (they are meaningful indentation) but are stripped at the ends."""
    text = _WS_NL.sub("", text.replace("\u200b", ""))
    return _WS.sub(" ", text).strip(" \u3000")


def join(pieces: list[str]) -> str:
    """Join cleaned pieces: nothing between CJK neighbours, a space otherwise."""
    out = ""
    for p in pieces:
        if not p:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.search(p)):
            out += " "
        out += p
    return out
