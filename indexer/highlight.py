"""Highlight fragments built in Python from a hit's `text_norm`.

Elasticsearch's highlighter re-ran the character phrase on every hit (the most expensive phase of
a search, measured with `profile`); here the same rule as the phrase search is a regular
expression: the query's token characters in order, with anything but letters/digits/ideographs
allowed between them (indexer.segment.char_tokens). So the marks land exactly on what the
search matched, punctuation between included. Output: HTML-escaped fragments with
<mark>…</mark> around matches (the shape web.highlight.safe_fragment accepts).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .segment import char_tokens

FRAGMENT = 120
NO_MATCH = 160
MAX_FRAGMENTS = 3
_BREAKS = "。！？；\n"
_GAP = r"[\W_]*"


def pattern(terms: list[str]) -> re.Pattern[str] | None:
    """One alternation of all terms, longest first (so a longer term wins where both match)."""
    return _compiled(tuple(sorted({t for t in terms if t}, key=lambda t: (-len(t), t))))


@lru_cache(maxsize=1024)  # the same queries come back (paging, facet clicks, saved searches)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = []
    for t in terms:
        toks = char_tokens(t)
        if toks:
            alts.append(_GAP.join(re.escape(c) for c in toks))
    return re.compile("|".join(alts)) if alts else None


def fragments(text: str, terms: list[str], rx: re.Pattern[str] | None = None) -> list[str]:
    """Up to 3 fragments around the matches, in text order; the start of the text when nothing
    matches (as ES's no_match_size did)."""
    if not text:
        return []
    rx = rx if rx is not None else pattern(terms)
    out: list[str] = []
    seen: list[tuple[int, int]] = []  # spans so far, in text order
    win: tuple[int, int, list[tuple[int, int]]] | None = None
    # lazily: a long report is scanned only up to the last fragment, not to its end
    for m in rx.finditer(text) if rx else ():
        start, end = m.span()
        seen.append((start, end))
        if win and start < win[1]:
            if end <= win[1]:
                win[2].append((start, end))
            continue
        if win:
            out.append(_render(text, *win))
            if len(out) == MAX_FRAGMENTS:
                return out
        lo = _window_start(text, start)
        hi = max(min(len(text), lo + FRAGMENT), end)
        win = (lo, hi, [sp for sp in seen if sp[0] >= lo and sp[1] <= hi])
    if win is None:
        return [html.escape(text[:NO_MATCH].strip())]
    out.append(_render(text, *win))
    return out


def _window_start(text: str, start: int) -> int:
    """Begin at the sentence start when it is near, else a little before the match."""
    back = max(0, start - 40)
    cut = max(text.rfind(b, back, start) for b in _BREAKS)
    return cut + 1 if cut >= 0 else max(0, start - 20)


def _render(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    parts, pos = [], lo
    for s, e in spans:
        parts += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    parts.append(html.escape(text[pos:hi]))
    return "".join(parts).strip()
