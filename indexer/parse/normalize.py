"""Text normalisation: full-width → half-width, traditional → simplified, labels, numbers."""

from __future__ import annotations

import functools
import re

import opencc

# Full-width ASCII (FF01–FF5E) and the ideographic space → half-width.
_HALF = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALF[0x3000] = 0x20
_HALF[0x00A0] = 0x20


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_FULL = re.compile("[\uff01-\uff5e\u3000\u00a0]")
_HALF_CHR = {chr(c): chr(v) for c, v in _HALF.items()}


def half_width(text: str) -> str:
    # A report uses a handful of distinct full-width characters (，：（）…) many times:
    # replace each one everywhere at once (str.translate looks up every character).
    m = _FULL.search(text)
    while m:
        ch = m.group()
        text = text.replace(ch, _HALF_CHR[ch])
        m = _FULL.search(text, m.start())
    return text


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def norm_text(text: str) -> str:
    """The searchable twin of a text: half-width and simplified."""
    if len(text) <= _SHORT:
        return _norm_short(text)  # headings, labels, titles repeat within and across reports
    return to_simplified(half_width(text))


_SHORT = 200


@functools.lru_cache(maxsize=16384)
def _norm_short(text: str) -> str:
    return to_simplified(half_width(text))


def norm_lines(lines: list[str]) -> tuple[str, str, list[str]]:
    """("\n".join(lines), its half-width form, the normalised twin of each line), converting
    the whole text once: OpenCC's phrases never span a line break and half-width is per
    character, so the normalised text split at the breaks is the lines normalised one by one."""
    text = "\n".join(lines)
    half = half_width(text)
    norm = to_simplified(half)
    pieces = norm.split("\n")
    if len(pieces) == len(lines):
        return half, norm, pieces
    out, i = [], 0  # some lines hold line breaks of their own
    for line in lines:
        k = line.count("\n") + 1
        out.append("\n".join(pieces[i:i + k]))
        i += k
    return half, norm, out


_CJK = re.compile(r"[\u4e00-\u9fff]")


def script_of(text: str, *, unchanged: bool = False) -> str:
    """'traditional' when converting to simplified changes a noticeable share of characters.
    `unchanged`: the caller already knows conversion leaves the text as it is."""
    if unchanged:
        return "simplified"
    sample = text[:20000]
    simp = to_simplified(sample)
    if simp == sample:
        return "simplified"
    changed = sum(1 for a, b in zip(sample, simp) if a != b) if len(simp) == len(sample) else 0
    cjk = len(_CJK.findall(sample))
    return "traditional" if changed >= 3 and changed >= 0.02 * max(cjk, 1) else "simplified"


# --- labels --------------------------------------------------------------------------------

# OCR/typing confusions seen in real tables (总记 for 总计, 子以 for 予以 …).
_TYPOS = (("总记", "总计"), ("子以", "予以"), ("不子", "不予"), ("结专", "结转"), ("予以公幵", "予以公开"))
_TAGS = re.compile(r"<[^>]{0,40}>")
_NOISE = re.compile(r"[\s\"'“”‘’「」『』()（）\[\]【】<>《》,，、。.．:：;；!！?？\-—_~·*#|/\\]+")
_NUMBERING = re.compile(
    r"^(?:第?[一二三四五六七八九十]+[、.]|[(（]?[一二三四五六七八九十]+[)）]|\(?\d{1,2}[)）.、]|[①-⑳])"
)


@functools.lru_cache(maxsize=4096)
def norm_label(label: str) -> str:
    """A table label reduced for matching: no markup, spacing, punctuation or numbering;
    half-width, simplified, common typos fixed."""
    s = to_simplified(half_width(_TAGS.sub("", label))).strip()
    s = re.sub(r"\s+", "", s)
    while (m := _NUMBERING.match(s)) is not None and m.end() < len(s):
        s = s[m.end():]
    s = _NOISE.sub("", s)
    for bad, good in _TYPOS:
        s = s.replace(bad, good)
    return s


# --- numbers -------------------------------------------------------------------------------

_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_UNIT = re.compile(r"(?:件|条|个|项|次|万元|元|人次|人)$")
BLANKS = frozenset({"", "-", "--", "—", "——", "/", "／", "无", "空", "－"})


@functools.lru_cache(maxsize=65536)
def cell_value(cell: str) -> int | float | None:
    """A data cell → int (or float for decimals); blank or unreadable → None."""
    if cell.isdigit() and cell.isascii():  # the common case, fast
        return int(cell)
    s = half_width(_TAGS.sub("", cell) if "<" in cell else cell).strip().replace(",", "").replace(" ", "")
    if s in BLANKS:
        return None
    s = _UNIT.sub("", s)
    if not _NUM.match(s):
        return None
    if "." in s:
        f = float(s)
        return int(f) if f.is_integer() else f
    return int(s)


def is_numeric(cell: str) -> bool:
    return cell_value(cell) is not None


@functools.lru_cache(maxsize=65536)
def is_blank(cell: str) -> bool:
    return half_width(_TAGS.sub("", cell) if "<" in cell else cell).strip() in BLANKS


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUM = "零〇○一二两三四五六七八九十百千万"


def cn_to_int(s: str) -> int | None:
    """Chinese numerals (十二, 一百零五, 二〇二四) → int; None if not a number."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s):  # digit by digit: 二〇二四
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            unit = _CN_UNITS[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)
