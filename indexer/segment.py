"""Text normalisation and word segmentation, shared by indexing and querying.

Both sides go through `normalize`, so traditional/simplified and full-/half-width forms of the
same text compare equal whichever side uses which. Segmentation (jieba) feeds the word-level
ranking field; exact recall never depends on it (see indexer.mappings).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

_lock = threading.Lock()
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(60)  # silence the "Building prefix dict" chatter
    with _lock:
        jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """NFKC per BMP character (full-width letters/digits → ASCII, compatibility ideographs →
    unified ones, ① → 1 …), except that CJK punctuation keeps its form: it carries no token
    (the analyzers skip punctuation) and reads better in highlights. Built once, applied with
    str.translate (C speed)."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x10000):
        c = chr(cp)
        if 0xD800 <= cp < 0xE000:
            continue
        n = unicodedata.normalize("NFKC", c)
        if n == c:
            continue
        if n.isascii() and not any(ch.isalnum() or ch.isspace() for ch in n):
            continue  # ，：（） stay as they are
        table[cp] = n
    return table


def normalize(text: str | None) -> str:
    """Full-width → half-width (NFKC for letters, digits and spaces), traditional → simplified,
    lower case, whitespace runs → one space.

    The fold comes first so that t2s sees canonical characters. Length may change (NFKC can
    expand a character), so offsets refer to this string.
    """
    if not text:
        return ""
    s = text.translate(_fold_table())
    s = _t2s().convert(s)
    return _SPACES.sub(" ", s).lower().strip()


def segment(text_norm: str) -> str:
    """jieba words of already-normalised text, space-separated (for a whitespace analyzer)."""
    if not text_norm:
        return ""
    words = _jieba().lcut(text_norm, HMM=False)
    return " ".join(w for w in words if w.strip())


def segment_query(text_norm: str) -> list[str]:
    """Search-mode words of a query (finer pieces too, so 信息公开 also matches 信息 公开)."""
    if not text_norm:
        return []
    return [w for w in _jieba().cut_for_search(text_norm, HMM=False) if w.strip()]
