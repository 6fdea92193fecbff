"""The speed-ups keep the meaning: each fast helper equals its plain definition."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from indexer.parse.blocks import Table
from indexer.parse.checks import _placeholder, _town_refs
from indexer.parse.formats.dates import (
    _ANY_LABEL,
    _BULLET,
    _BULLET_MARK,
    _LIST_MARK,
    _MARK_START,
    _PUB_LABEL_ONLY,
    _PUB_LABELED,
    _TIME_WORD,
    _lines_with,
)
from indexer.parse.formats.grid import expand
from indexer.parse.formats.html import (
    _CHROME_TEXT,
    _LINK_TEXT,
    _PARSER,
    _TEXT,
    _chrome_text,
    _data_tables,
    _has_table,
    _score,
    _under,
)
from indexer.parse.formats.textutil import _WS as _CLEAN_WS
from indexer.parse.formats.textutil import _WS_NL, clean
from indexer.parse.meta import _CJK_GAP, _SEPARATOR_CHARS, _SEPARATORS, clean_title
from indexer.parse.meta import _WS as _TITLE_WS
from indexer.parse.normalize import half_width, is_numeric, norm_lines, norm_text
from indexer.parse.region import _gov_ends
from indexer.parse.tables import _align, _dedupe_merged, cell_value, kind

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


# --- HTML pages (issue 16): each shortcut equals the plain definition ---------------------------

CHROME = st.text(st.sampled_from(list("当前您现在的位置打印本页】【关闭窗口字号:：分享到扫一扫无障碍长者专版关怀版大中小 \n甲")),
                 max_size=20)
SPACED = st.text(st.sampled_from(list("中文ab1 \t\n\r\u3000\xa0\u200b\u2028\u2003。#|>›—-")), max_size=20)


@FAST
@given(CHROME)
def test_chrome_text_hint_keeps_the_pattern(text: str) -> None:
    assert _chrome_text(text) == bool(_CHROME_TEXT.search(text))


@FAST
@given(SPACED)
def test_clean_equals_its_definition(text: str) -> None:
    plain = _CLEAN_WS.sub(" ", _WS_NL.sub("", text.replace("\u200b", ""))).strip(" \u3000")
    assert clean(text) == plain


@FAST
@given(SPACED)
def test_title_cleaning_and_splitting_equal_their_definitions(text: str) -> None:
    assert clean_title(text) == _CJK_GAP.sub("", _TITLE_WS.sub(" ", text.replace("#", " ")).strip())
    if not any(sep in text for sep in _SEPARATOR_CHARS):  # the split is skipped then
        assert [p for p in _SEPARATORS.split(text) if p] == ([text] if text else [])


LINE = st.text(st.sampled_from(list("时间日期索引号发布：: -*•·\t\u3000\n2024年")), max_size=12)


@FAST
@given(st.lists(LINE, max_size=8))
def test_lines_found_by_one_search_are_the_lines_that_match(lines: list[str]) -> None:
    joined = "\n".join(lines)
    for hint, patterns in ((_TIME_WORD, (_PUB_LABELED, _PUB_LABEL_ONLY)), (_ANY_LABEL, (_ANY_LABEL,)),
                           (_BULLET_MARK, (_BULLET,)), (_MARK_START, (_LIST_MARK,))):
        found = set(_lines_with(hint, joined, len(lines)))
        for pat in patterns:  # every line a pattern matches is among the lines found
            assert {i for i, line in enumerate(lines) if pat.search(line)} <= found


def _plain_expand(rows):
    """The definition: each cell at the next free position, its span filled where still free."""
    texts, marks, width = [], [], 0
    for r, row in enumerate(rows):
        while len(texts) <= r:
            texts.append([])
            marks.append([])
        c = 0
        for text, rs, cs in row:
            while c < len(texts[r]) and texts[r][c] is not None:
                c += 1
            rs, cs = min(max(rs, 1), 200), min(max(cs, 1), 200)
            for dr in range(rs):
                while len(texts) <= r + dr:
                    texts.append([])
                    marks.append([])
                t, m = texts[r + dr], marks[r + dr]
                while len(t) < c + cs:
                    t.append(None)
                    m.append(False)
                for dc in range(cs):
                    if t[c + dc] is None:
                        t[c + dc], m[c + dc] = text, bool(dr or dc)
            c += cs
            width = max(width, c)
    n = len(rows)
    return ([[("" if x is None else x) for x in t + [None] * (width - len(t))] for t in texts[:n]],
            [m + [False] * (width - len(m)) for m in marks[:n]])


CELL = st.tuples(st.sampled_from(["a", "b", "", "0", "7"]), st.sampled_from([1, 1, 2, 3, 0, -1]),
                 st.sampled_from([1, 1, 2, 3, 0]))


@FAST
@given(st.lists(st.lists(CELL, max_size=5), max_size=6))
def test_grid_expansion_equals_its_definition(rows) -> None:
    grid = expand(rows)
    assert (grid.rows, grid.merged) == _plain_expand(rows)


@FAST
@given(st.lists(st.lists(st.sampled_from(["", "1", "合计", "-", "12"]), min_size=1, max_size=5), max_size=5),
       st.data())
def test_merged_copies_blanked_as_defined(rows: list[list[str]], data) -> None:
    merged = [data.draw(st.lists(st.booleans(), min_size=len(r), max_size=len(r))) for r in rows]
    plain = [["" if m and is_numeric(t) else t for t, m in zip(r, ms)] for r, ms in zip(rows, merged)]
    assert _dedupe_merged(Table([list(r) for r in rows], merged)) == plain


HTML_PIECE = st.sampled_from(["<p>", "</p>", "<a href=x>", "</a>", "<div>", "</div>", "<span>", "</span>",
                              "文字", " 链 接 ", "\n", "<br>", "<b>", "</b>", "<table><tr><td>1</td></tr></table>",
                              "<table><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>"])


@FAST
@given(st.lists(HTML_PIECE, max_size=20))
def test_element_scores_equal_their_definition(pieces: list[str]) -> None:
    root = etree.fromstring("<html><body><div>" + "".join(pieces) + "</div></body></html>", _PARSER)
    count = etree.XPath("count(descendant-or-self::table[count(tr) + count(tbody/tr) >= 3])")
    tables = _data_tables(root)
    for el in root.iter():
        assert len(_under(tables, el)) == int(count(el))  # the data tables under el, as counted
        total = sum(map(len, _TEXT(el).split()))
        assert _score(el) == total - sum(map(len, "".join(_LINK_TEXT(el)).split()))
        assert _has_table(el) == (el.find(".//table") is not None)
