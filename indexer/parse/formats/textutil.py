"""Small text helpers shared by the adapters: whitespace, CJK-aware joins."""

from __future__ import annotations

import re

_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_WS_NL = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n\s*(?=[{_CJK}])")
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u2002\u2003\u2009\u200b]+")
_ANY_WS = re.compile(r"[\s\u200b]")  # \s covers \xa0, \u2002, \u2003, \u2009 and \u3000
_WORD_END = re.compile(r"[A-Za-z0-9.,;:%)]$")
_WORD_START = re.compile(r"^[A-Za-z0-9(]")


def clean(text: str) -> str:
    """Collapse source whitespace: a line break between two CJK characters is markup
    formatting, not a space; other runs become one space. Ideographic spaces stay
    inside the text (they are meaningful indentation) but are stripped at the ends."""
    if text.isalnum() or not _ANY_WS.search(text):  # no whitespace character is alphanumeric
        return text  # most table cells: nothing to collapse or strip
    text = text.replace("\u200b", "")
    if "\n" in text:  # _WS_NL needs one (and, starting with a look-behind, is slow to search)
        text = _WS_NL.sub("", text)
    return _WS.sub(" ", text).strip(" \u3000")


def join(pieces: list[str]) -> str:
    """Join cleaned pieces of one text: a space only between two Latin words or numbers,
    nothing next to Chinese characters or punctuation."""
    out = ""
    for p in pieces:
        if not p:
            continue
        if out and _WORD_END.search(out) and _WORD_START.search(p):
            out += " "
        out += p
    return out
