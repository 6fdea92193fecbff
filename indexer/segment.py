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


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width, compatibility forms), traditional → simplified, lower case.

    NFKC comes first so that t2s sees canonical characters. Whitespace runs collapse to one
    space. Length may change (NFKC can expand a character), so offsets refer to this string.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
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
