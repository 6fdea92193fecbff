"""Normalised content for change detection: a hit counter ticking is not a new version."""

from __future__ import annotations

import hashlib
import re

from .discover import page_text

# Parts of a page that change on every view or every day without the report changing.
_VOLATILE = [
    re.compile(r"(点击率|点击数|点击量|浏览次数|浏览量|访问量|阅读数|阅读量|访问次数|浏览)\s*[:：]?\s*\d+\s*次?"),
    re.compile(r"(当前时间|今天是|今日)\s*[:：]?\s*\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?[^\n]{0,12}"),
    re.compile(r"(上一篇|下一篇)\s*[:：][^\n]*"),
]


def normalised_text(html_text: str) -> str:
    text = page_text(html_text)
    for pattern in _VOLATILE:
        text = pattern.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def content_hash(body: bytes, html_text: str | None) -> str:
    """Hash of what matters: the normalised text of an HTML page, the bytes of anything else."""
    if html_text is None:
        return hashlib.sha256(body).hexdigest()
    return hashlib.sha256(normalised_text(html_text).encode("utf-8")).hexdigest()
