"""The speed-ups keep the meaning: each fast helper equals its plain definition."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.parse.checks import _placeholder, _town_refs
from indexer.parse.normalize import half_width, norm_lines, norm_text
from indexer.parse.region import _gov_ends
from indexer.parse.tables import _align, cell_value, kind

FAST = settings(max_examples=200, deadline=None)
# alphabets rich in the characters the patterns look for
TOWN = st.text(st.sampled_from(list("甲乙镇乡街道人民政府办事处XxX×某○年区县市 \n")), max_size=30)
GOV = st.text(st.sampled_from(list("卢氏县区市省旗人民政府府政a民")), max_size=25)
PROSE = st.text(st.sampled_from(list("發佈開關報告，：（）１２３　\xa0abc 年月\n乾隆著名後來")), max_size=40)


@FAST
@given(TOWN)
def test_town_refs_and_placeholders_match_their_regexes(text: str) -> None:
    town = re.compile(r"([\u4e00-\u9fff]{2})(镇|乡|街道)(?:人民政府|办事处)")
    assert _town_refs(text) == town.findall(text)
    placeholder = re.compile(r"(?:XX|xx|××|某某|○○)(?:镇|乡|街道|区|县|市|单位|部门|人民政府|年)|X{3,}|×{3,}")
    a, b = placeholder.search(text), _placeholder(text)
    assert (a and (a.start(), a.group())) == (b and (b.start(), b.group()))


@FAST
@given(GOV)
def test_government_references_match_the_regex(text: str) -> None:
    gov = re.compile(r"(?:县|区|市|旗|省|州|盟)(?=(?:人民)?政府)")
    assert _gov_ends(text) == [m.end() for m in gov.finditer(text)]


@FAST
@given(st.lists(PROSE, max_size=6))
def test_whole_text_normalisation_equals_line_by_line(lines: list[str]) -> None:
    half, norm, per_line = norm_lines(lines)
    assert norm == norm_text("\n".join(lines)) and len(per_line) == len(lines)
    assert per_line == [norm_text(line) for line in lines]
    table = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
    assert half == "\n".join(lines).translate(table) == half_width("\n".join(lines))


def _plain_align(row, start, positions):
    """The definition: the header positions shifted (smallest shift first) onto most numbers."""
    kinds = [kind(c) for c in row]
    numeric = [i for i in range(start, len(row)) if kinds[i] == "n"]
    first, last = positions[0], positions[-1]
    if start <= first and last < len(row) and (not numeric or (numeric[0] >= first and numeric[-1] <= last)):
        return [cell_value(row[p]) for p in positions]
    lo, hi = start - first, max(start - first, len(row) - 1 - last, (numeric or [0])[-1] - last)
    best = max(sorted(range(lo, hi + 1), key=lambda s: (abs(s), s)),
               key=lambda s: sum(1 for p in positions if p + s in set(numeric)))
    return [cell_value(row[p + best]) if 0 <= p + best < len(row) else None for p in positions]


@FAST
@given(st.lists(st.sampled_from(["", "1", "23", "abc", "-", "无", "5"]), min_size=1, max_size=12),
       st.data())
def test_header_alignment_equals_its_definition(row: list[str], data) -> None:
    start = data.draw(st.integers(0, len(row)))
    first = data.draw(st.integers(-1, 8))
    positions = list(range(first, first + data.draw(st.integers(1, 7))))
    try:
        expected = _plain_align(row, start, positions)
    except IndexError:
        expected = IndexError
    try:
        got = _align(row, start, positions)
    except IndexError:
        got = IndexError
    assert got == expected
