"""The six numbered parts of a report, found by heading keywords and their order.

A heading is a short paragraph with a part number (一、 / 1、 / （一） / none) and the wording of
one of the six parts. Part k is accepted only after parts < k and only when its number, if any,
is k — so 一、二、 sub-headings inside part 五, or "（一）主动公开" inside part 一, are not parts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .normalize import cn_to_int, norm_text

_PREFIX = re.compile(
    r"^\s*(?:第([一二三四五六])部分[、.:：\s]*|[(（]?([一二三四五六])[)）]?[、.．:：\s]*|"
    r"[(（]?([1-6])[)）]?[、.．:：\s]+|([1-6])(?=[\u4e00-\u9fff]))"
)
_HINT = re.compile("情况|情況|问题|問題|事项|事項|概述|复议|復議|诉讼|訴訟|改进|改進|申请|申請|其他|其它")
KEYWORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "概述", "基本情况"),
    2: ("主动公开政府信息情况", "主动公开政府信息的情况", "主动公开情况"),
    3: ("收到和处理政府信息公开申请", "依申请公开政府信息情况", "收到和处理政府信息公开申请情况"),
    4: ("行政复议", "行政诉讼"),
    5: ("存在的主要问题", "主要问题", "存在问题", "改进情况"),
    6: ("其他需要报告", "其他事项", "其他需报告"),
}
_WS = re.compile(r"\s+")
HEADINGS = {1: "总体情况", 2: "主动公开政府信息情况", 3: "收到和处理政府信息公开申请情况",
            4: "政府信息公开行政复议、行政诉讼情况", 5: "存在的主要问题及改进情况",
            6: "其他需要报告的事项"}


@dataclass
class Section:
    number: int
    heading: str
    text: str
    start: int = 0  # paragraphs[start:end] make up `text`
    end: int = 0


def heading_part(paragraph: str, expected: int) -> tuple[int, str] | None:
    """(part number, heading text) when the paragraph heads part ≥ expected."""
    if len(paragraph) > 40 or not _HINT.search(paragraph):
        return None
    return _heading_part(paragraph, expected)


@functools.lru_cache(maxsize=8192)  # the same headings come back in report after report
def _heading_part(paragraph: str, expected: int) -> tuple[int, str] | None:
    norm = norm_text(paragraph).strip()
    m = _PREFIX.match(norm)
    number = None
    rest = norm
    if m and m.end() > 0:
        raw = next(g for g in m.groups() if g)
        number = cn_to_int(raw)
        rest = norm[m.end():]
    rest_c = _WS.sub("", rest).rstrip(":：。")
    for k in range(expected, 7):
        if number is not None and number != k:
            continue
        if any(w in rest_c for w in KEYWORDS[k]) and len(rest_c) <= 30:
            if number is None and k != expected:
                continue  # unnumbered headings only in order
            return k, paragraph[len(paragraph) - len(rest):].strip().rstrip(":：") if m else paragraph.strip()
    return None


_PAREN = re.compile(r"^\s*[(（]")


def _numbered(paragraph: str) -> bool:
    m = _PREFIX.match(norm_text(paragraph))
    return bool(m and any(m.groups()))


def find_sections(paragraphs: list[str]) -> list[Section]:
    """Once a part is headed "一、", a "（二）主动公开情况" is a sub-heading inside it, not part 二,
    and so is an unnumbered "• 主动公开情况"."""
    found: list[tuple[int, str, int]] = []  # (number, heading, paragraph index)
    expected = 1
    plain = False  # a part heading without brackets was seen
    for i, p in enumerate(paragraphs):
        hit = heading_part(p, expected)
        if hit and plain and (_PAREN.match(norm_text(p)) or not _numbered(p)):
            continue
        if hit:
            plain = plain or (not _PAREN.match(norm_text(p)) and _numbered(p))
            found.append((hit[0], hit[1], i))
            expected = hit[0] + 1
            if expected > 6:
                expected = 7
    sections = []
    for j, (num, head, idx) in enumerate(found):
        end = found[j + 1][2] if j + 1 < len(found) else len(paragraphs)
        sections.append(Section(num, head, "\n".join(paragraphs[idx + 1:end]).strip(), idx + 1, end))
    return sections
