"""Safe highlighting.

Elasticsearch returns highlight fragments built with `encoder: html`: the text escaped, the
matches wrapped in <mark>…</mark>. We trust such a fragment as HTML only after checking it holds
nothing else; anything unexpected is escaped as plain text instead. Highlighting our own text
(the report page) escapes every piece and adds the <mark> itself.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

_MARK = re.compile(r"</?mark>")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#39|#x27|#x2F|#47|#34);")
_OPERATORS = {"and", "or", "not", "且", "或", "非"}


def safe_fragment(fragment: str) -> Markup:
    """A fragment as Markup when it is escaped text plus <mark>/</mark> only, else escaped."""
    rest = _ENTITY.sub("", _MARK.sub("", fragment))
    if "<" in rest or ">" in rest or "&" in rest or '"' in rest:
        return Markup(escape(fragment))
    # Unbalanced marks would swallow the rest of the page into a <mark>: count them.
    if fragment.count("<mark>") != fragment.count("</mark>"):
        return Markup(escape(fragment))
    return Markup(fragment)


def fragments(highlight: Any) -> list[Markup]:
    """Normalise ES highlight shapes (list, or field → list) to a flat list of safe fragments."""
    if not highlight:
        return []
    if isinstance(highlight, str):
        items = [highlight]
    elif isinstance(highlight, dict):
        items = [f for frags in highlight.values() for f in (frags if isinstance(frags, list) else [frags])]
    else:
        items = list(highlight)
    return [safe_fragment(str(f)) for f in items]


def query_terms(q: str) -> list[str]:
    """The words of a query worth marking in a page: phrases and bare words, not operators,
    field filters or figure comparisons."""
    terms = re.findall(r'"([^"]+)"', q or "")
    rest = re.sub(r'"[^"]*"', " ", q or "")
    for tok in re.split(r"[\s()（）]+", rest):
        tok = tok.strip("-")
        if not tok or tok.lower() in _OPERATORS or re.search(r"[:：<>=]", tok):
            continue
        terms.append(tok)
    return sorted({t for t in terms if t.strip()}, key=len, reverse=True)


def mark(text: str, terms: list[str]) -> Markup:
    """Escape `text` and wrap every occurrence of the terms in <mark>."""
    if not text:
        return Markup("")
    if not terms:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
