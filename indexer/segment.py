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
from typing import Any

import opencc

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:  # an opencc.OpenCC
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:  # the jieba module, initialised
    import jieba  # ≈0.6 s and a dictionary to build: the first segmentation pays it

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


@functools.lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """Runs of characters the fold table changes. str.translate with a dict looks every
    character up (a KeyError per miss: 0.12 ms for a 2,300-character report); this class
    finds the few that change and translates only those runs (8× faster)."""
    ranges: list[list[int]] = []
    for cp in sorted(_fold_table()):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    cls = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{cls}]+")


def _fold(text: str) -> str:
    table = _fold_table()
    return _foldable().sub(lambda m: m.group().translate(table), text)


def normalize(text: str | None) -> str:
    """Full-width → half-width (NFKC for letters, digits and spaces), traditional → simplified,
    lower case, whitespace runs → one space.

    The fold comes first so that t2s sees canonical characters. Length may change (NFKC can
    expand a character), so offsets refer to this string.
    """
    if not text:
        return ""
    s = _t2s().convert(_fold(text))
    # str.split() and re's \s agree on what whitespace is (both Py_UNICODE_ISSPACE); the
    # split/join also strips, and runs 3× faster than the regex substitution.
    return " ".join(s.lower().split())


# jieba's own block pattern (jieba.re_han_default): it segments each run of these characters on
# its own, so cutting the text into these runs first and caching each run's words gives exactly
# jieba's output. Reports share most of their clauses (boilerplate), so the cache hits often.
# Between runs jieba yields every other character alone: of those only the ones that carry a
# token (letters and ideographs outside jieba's range, e.g. CJK extension A) are words here;
# punctuation and symbols rank nothing, and leaving them out keeps the field ~10 % smaller.
_HAN_CLASS = r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]"
_WORDS = re.compile(rf"{_HAN_CLASS}+|[^\W_]")


@functools.lru_cache(maxsize=200_000)
def _cut_block(block: str) -> str:
    return " ".join(_jieba().lcut(block, HMM=False))


def segment(text_norm: str) -> str:
    """jieba words of already-normalised text, space-separated (for a whitespace analyzer),
    without punctuation. One C-level pass: findall, then the cached words of each run (a
    Python loop over the ~900 runs of a report cost twice as much)."""
    if not text_norm:
        return ""
    return " ".join(map(_cut_block, _WORDS.findall(text_norm)))


# re's \w is str.isalnum() plus "_" (CPython: _PyUnicode_IsAlpha/IsDecimalDigit/IsDigit/
# IsNumeric), so this removes exactly the characters isalnum() rejects, in C.
_NON_TOKEN = re.compile(r"[\W_]+")


def char_tokens(text_norm: str) -> list[str]:
    """The characters that carry a token (letters, digits, ideographs), as in `nb_chars`:
    punctuation and spaces are skipped on both the index and the query side."""
    return list(_NON_TOKEN.sub("", text_norm))


def last_token(text_norm: str) -> str:
    """The last token character of a text: the one character that starts no bigram of the
    `nb_bigrams` field, kept beside it (`text_tail`) so that a 1-character query, a prefix of
    the bigrams, finds it there too (indexer.query.phrase_clause)."""
    # isalnum() is what _NON_TOKEN keeps (re's \w without "_")
    return next((c for c in reversed(text_norm) if c.isalnum()), "")


def segment_query(text_norm: str) -> list[str]:
    """Search-mode words of a query (finer pieces too, so 信息公开 also matches 信息 公开)."""
    if not text_norm:
        return []
    return [w for w in _jieba().cut_for_search(text_norm, HMM=False) if w.strip()]
