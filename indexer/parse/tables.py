"""Tables 2, 3 and 4 from blocks: rows matched by normalised labels, values aligned to columns.

Labels are matched after `norm_label` (no spacing, punctuation, numbering, markup; half-width,
simplified, typos fixed). Data cells are the cells after a row's last label cell; which of them
belong to which column is decided against the header's column positions, shifted where a
merged label cell is missing or doubled (the shift that covers the most numeric cells wins).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress

from nianbao.contract import (  # noqa: F401  (checks.py imports them from here)
    NOT_HANDLED,
    OTHER,
    REFUSED,
    RESULT_ITEMS,
    T2_DOC_COLS,
    T2_SINGLE,
    T2_TRIPLES,
    T3_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
    UNABLE,
)

from .blocks import Block, Table
from .normalize import cell_value, is_blank, is_numeric, norm_label, norm_text

Value = int | float | None

T3_COLS = T3_COLUMNS
T2_SINGLES = T2_SINGLE
T2_TRIPLE_COLS = T2_DOC_COLS

# (key, keywords any of which identifies the row), most specific first.
T3_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new", ("本年新收",)),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年", "下年度继续办理", "继续办理")),
    ("partly_granted", ("部分公开",)),
    ("refused_state_secret", ("国家秘密",)),
    ("refused_prohibited", ("禁止公开",)),
    ("refused_safety_stability", ("三安全一稳定", "三安全", "一稳定")),
    ("refused_third_party", ("第三方",)),
    ("refused_internal", ("内部事务",)),
    ("refused_process", ("过程性",)),
    ("refused_enforcement_file", ("执法案卷",)),
    ("refused_query", ("查询事项",)),
    ("unable_not_held", ("不掌握",)),
    ("unable_needs_creation", ("另行制作", "没有现成")),
    ("unable_unclear", ("仍不明确", "补正后")),
    ("not_handled_petition", ("信访", "举报投诉")),
    ("not_handled_repeat", ("重复申请",)),
    ("not_handled_publication", ("公开出版物", "出版物")),
    ("not_handled_mass", ("大量反复",)),
    ("not_handled_reconfirm", ("重新出具", "确认或")),
    ("other_no_correction", ("不补正", "逾期不补")),
    ("other_no_fee", ("缴纳费用", "收费通知")),
    ("granted", ("予以公开",)),
    ("results_total", ("总计",)),
)
T3_EXACT = {"其他": "other_other", "其他处理": "other_other", "其它": "other_other"}
T3_HEADER_WORDS = ("自然人", "商业企业", "科研机构", "法人或其他组织", "申请人情况")
T2_LABELS = {"规章": "regulations", "行政规范性文件": "normative_documents",
             "规范性文件": "normative_documents", "行政许可": "licensing", "行政处罚": "penalty",
             "行政强制": "enforcement", "行政事业性收费": "fees"}
SUB_COLS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


@dataclass
class Tables:
    active: dict | None
    applications: dict | None
    appeals: dict | None
    template_hints: set[str]


@functools.lru_cache(maxsize=8192)
def match_t3_label(label: str) -> str | None:
    s = norm_label(label)
    if not s:
        return None
    if s in T3_EXACT:
        return T3_EXACT[s]
    for key, words in T3_LABELS:
        if any(w in s for w in words):
            return key
    return None


@functools.lru_cache(maxsize=8192)
def match_t2_label(label: str) -> str | None:
    s = norm_label(label)
    if s in T2_LABELS:
        return T2_LABELS[s]
    for word, key in T2_LABELS.items():
        if s.endswith(word) and len(s) <= len(word) + 4:
            return key
    return None


@functools.lru_cache(maxsize=65536)
def kind(cell: str) -> str:
    """'b' blank, 'n' numeric, 't' text (a label)."""
    if is_blank(cell):
        return "b"
    return "n" if is_numeric(cell) else "t"


def _kinds(row: Sequence[str]) -> str:
    """The kind of every cell as one string ("ttbnnn"): str.find/rfind do the scanning."""
    return "".join(map(kind, row))


def _split(row: Sequence[str], kinds: str | None = None) -> tuple[list[str], int]:
    """Label cells (non-numeric text) and the index where the data cells start."""
    if kinds is None:
        kinds = _kinds(row)
    last = kinds.rfind("t")
    labels = [c for c, k in zip(row[: last + 1], kinds) if k == "t"]
    return labels, last + 1


def _row_key(labels: list[str], matcher: Callable[[str], str | None]) -> str | None:
    for label in reversed(labels):
        if (key := matcher(label)) is not None:
            return key
    return matcher("".join(labels)) if len(labels) > 1 else None


def _align(row: Sequence[str], start: int, positions: list[int], kinds: str | None = None) -> list[Value]:
    """Values of `row` at `positions` shifted so they follow the labels and cover the most
    numeric cells (ties: the smallest shift)."""
    if kinds is None:
        kinds = _kinds(row)
    first, last = positions[0], positions[-1]
    first_n = kinds.find("n", start)
    if start <= first and last < len(row) and (first_n < 0 or (first_n >= first and kinds.rfind("n", start) <= last)):
        return list(map(cell_value, map(row.__getitem__, positions)))  # the header's columns hold every number
    k = max(0, -min(positions))  # bit p + k stands for column p (a header may start at -1)
    # bit i + k: cell i (after the labels) is a number
    numeric = (int(kinds[::-1].translate(_NUMERIC_BITS) or "0", 2) >> start << start) << k
    lo = start - first
    hi = max(lo, len(row) - 1 - last)
    if numeric:
        hi = max(hi, numeric.bit_length() - 1 - k - last)
    best = _best_shift(numeric, positions, k, lo, hi)
    return [cell_value(row[p + best]) if 0 <= p + best < len(row) else None for p in positions]


def _best_shift(numeric: int, positions: list[int], k: int, lo: int, hi: int) -> int:
    """The shift in [lo, hi] that lands most header positions on numbers (bit masks, offset
    by k); ties go to the smallest shift."""
    wanted = _mask(tuple(positions), k)
    distinct = len(set(positions)) == len(positions)
    best, best_score = lo, -1
    for s in _shift_order(lo, hi):
        if distinct:
            score = (numeric & (wanted << s if s >= 0 else wanted >> -s)).bit_count()
        else:
            score = sum(1 for p in positions if p + s + k >= 0 and numeric >> (p + s + k) & 1)
        if score > best_score:
            best, best_score = s, score
    return best


_NUMERIC_BITS = str.maketrans("nbt", "100")


@functools.lru_cache(maxsize=1024)
def _shift_order(lo: int, hi: int) -> tuple[int, ...]:
    """lo…hi, smallest shifts first (0, -1, 1, -2, …)."""
    return tuple(sorted(range(lo, hi + 1), key=lambda s: (abs(s), s)))


@functools.lru_cache(maxsize=256)
def _mask(positions: tuple[int, ...], k: int) -> int:
    return sum(1 << (p + k) for p in positions)  # positions are distinct columns


def _t3_positions(rows: list[list[str]]) -> list[int] | None:
    """Column indexes of the seven data columns from the header (the five 法人 sub-columns)."""
    for row in rows:
        norms = list(map(norm_label, row))
        idx = []
        for word in SUB_COLS:
            hits = [i for i, s in enumerate(norms) if s == word or (word != "其他" and word in s)]
            if not hits:
                break
            idx.append(hits[0])
        if len(idx) == 5 and all(b == a + 1 for a, b in zip(idx, idx[1:])):
            return [idx[0] - 1, *idx, idx[-1] + 1]
    return None


@functools.lru_cache(maxsize=8192)
def _header_cell(cell: str) -> bool:
    s = norm_label(cell)
    return any(w in s for w in T3_HEADER_WORDS)


def _is_t3_header(row: Sequence[str]) -> bool:
    return any(_header_cell(c) for c in row if c)


_NONE7 = (None,) * 7


def parse_t3(rows: list[list[str]]) -> dict | None:
    positions = _t3_positions(rows)
    header = tuple(positions) if positions else None
    found: dict[str, tuple[Value, ...]] = {}
    for row in rows:
        if (read := _t3_row(tuple(row), header)) is None:
            continue
        key, vals = read
        if key not in found or (all(v is None for v in found[key]) and any(v is not None for v in vals)):
            found[key] = vals
    if len(found) < 3:
        return None
    return {k: dict(zip(T3_COLS, found.get(k, _NONE7))) for k in T3_ROWS}


@functools.lru_cache(maxsize=8192)
def _t3_row(row: tuple[str, ...], positions: tuple[int, ...] | None) -> tuple[str, tuple[Value, ...]] | None:
    """(row key, the seven values) of a table-3 row under the header's column positions (None:
    no header), or None for a header or an unknown row. Cached: most rows of most reports
    are the same labels with the same figures (zeros above all)."""
    kinds = _kinds(row)
    if "n" not in kinds and _is_t3_header(row):
        return None
    labels, start = _split(row, kinds)
    key = _row_key(labels, match_t3_label) if labels else None
    if key is None:
        return None
    pos = list(positions) if positions else _right_positions(row, start, 7)
    return key, tuple(_align(row, start, pos, kinds))


def _right_positions(row: Sequence[str], start: int, n: int) -> list[int]:
    """No header: the last n cells after the labels, ignoring trailing blanks."""
    end = len(row)
    while end > start + n and is_blank(row[end - 1]):
        end -= 1
    first = max(start, end - n)
    return list(range(first, first + n))


def parse_t2(rows: list[list[str]]) -> tuple[dict | None, set[str]]:
    hints: set[str] = set()
    out: dict = {k: {c: None for c in T2_TRIPLE_COLS} for k in T2_TRIPLES}
    out.update({k: None for k in T2_SINGLES})
    cols: dict[str, int] | None = None  # the current block's header: meaning → data index
    seen = 0
    for row in rows:
        norms = list(map(norm_label, row))
        joined = "".join(norms)
        if "信息内容" in joined or "制发" in joined or "新制作" in joined:
            cols = _t2_header(norms, hints)
            continue
        if "政府集中采购" in joined:
            hints.add("2019")
        labels, start = _split(row)
        key = _row_key(labels, match_t2_label) if labels else None
        if key is None:
            continue
        data = row[start:]
        seen += 1
        if key in T2_TRIPLES:
            out[key] = _t2_triple(data, cols)
        else:
            idx = (cols or {}).get("value", 0)
            out[key] = cell_value(data[idx]) if idx < len(data) else None
    return (out if seen else None), hints


# Tesseract reads 本年废止件数 as 本年记止件数; "记止件数" is no other header's wording
_OCR_REPEALED = "记止件数"


def _t2_header(norms: list[str], hints: set[str]) -> dict[str, int]:
    """Map the data columns of a table-2 block by their headers (2021 vs 2019 wording); a
    header spanning several columns counts at its first one."""
    cols: dict[str, int] = {}
    for i, s in enumerate(norms[1:]):
        if "制发" in s:
            cols.setdefault("issued", i)
            hints.add("2021")
        elif "废止" in s or _OCR_REPEALED in s:
            cols.setdefault("repealed", i)
        elif "现行有效" in s:
            cols.setdefault("in_force", i)
        elif "新制作" in s:
            cols.setdefault("issued", i)
            hints.add("2019")
        elif "对外公开总数" in s:
            cols.setdefault("in_force", i)
            hints.add("2019")
        elif "处理决定" in s or "收费金额" in s:
            cols.setdefault("value", i)
            if "本年处理决定" in s or "收费金额" in s:
                hints.add("2021")
        elif "上一年项目数" in s:
            hints.add("2019")
    return cols


def _t2_triple(data: list[str], cols: dict | None) -> dict[str, Value]:
    if cols and any(k in cols for k in T2_TRIPLE_COLS):
        return {c: (cell_value(data[cols[c]]) if c in cols and cols[c] < len(data) else None)
                for c in T2_TRIPLE_COLS}
    return {c: (cell_value(data[i]) if i < len(data) else None) for i, c in enumerate(T2_TRIPLE_COLS)}


_T4_ROW_GROUPS = (("复议后起诉", "litigation_after_review"), ("直接起诉", "litigation_direct"),
                  ("未经复议", "litigation_direct"), ("行政复议", "review"))


def _t4_group(label: str) -> str | None:
    s = norm_label(label)
    return next((g for word, g in _T4_ROW_GROUPS if word in s), None)


def _t4_by_rows(rows: list[list[str]]) -> dict | None:
    """The transposed layout: one row per group (行政复议 | 维持 纠正 其他 尚未审结 总计)."""
    out: dict = {}
    for row in rows:
        labels, start = _split(row)
        group = _t4_group(labels[-1]) if labels else None
        data = row[start:]
        if group and group not in out and any(kind(c) == "n" for c in data):
            while len(data) > 5 and is_blank(data[-1]):
                data = data[:-1]
            vals = [cell_value(c) for c in data[-5:]]
            out[group] = dict(zip(T4_OUTCOMES, [None] * (5 - len(vals)) + vals))
    return out if len(out) == 3 else None


def parse_t4(rows: list[list[str]]) -> dict | None:
    if (by_rows := _t4_by_rows(rows)) is not None:
        return by_rows
    values: list[Value] = []
    started = False
    for row in rows:
        if not started:
            started = any("复议" in s or "维持" in s for s in map(norm_label, row))
            continue
        labels, start = _split(row)
        cells = list(row[start:])  # a leading label cell ("数量") is not a figure
        if not any(kind(c) == "n" for c in cells):
            if values:
                break
            continue
        while len(cells) > 15 and is_blank(cells[-1]):
            cells.pop()
        while len(cells) > 15 and is_blank(cells[0]):
            cells.pop(0)
        values += [cell_value(c) for c in cells]
        if len(values) >= 15:
            break
    if not started or not values:
        return None
    values = (values + [None] * 15)[:15]
    return {g: dict(zip(T4_OUTCOMES, values[i * 5:(i + 1) * 5])) for i, g in enumerate(T4_GROUPS)}


_T3_WORDS = ("自然人", "本年新收", "予以公开")


_CLASS_WORDS = (*_T3_WORDS, "规章", "行政复议")
_WS = re.compile(r"\s+")


def _joined(rows: list[list[str]]) -> str:
    raw = "".join(map("".join, rows))
    text = raw if any(w in raw for w in _CLASS_WORDS) else norm_text(raw)
    return _WS.sub("", text)


def classify(table: Table) -> str | None:
    head = [r[:20] for r in table.rows[:40]]
    raw = "".join(map("".join, head))
    if any(w in raw for w in _T3_WORDS):
        return "t3"  # found as is: found after dropping spaces too (the common case, cheap)
    text = _joined(head)
    if any(w in text for w in _T3_WORDS):
        return "t3"
    if ("行政复议" in text or "复议后起诉" in text or "审结" in text) and ("维持" in text or "纠正" in text):
        return "t4"
    if "第二十条" in text or "规章" in text or "行政许可" in text or "规范性文件" in text:
        return "t2"
    return None


def extract_tables(blocks: list[Block]) -> Tables:
    """Group table blocks by kind (a table continued across blocks keeps its kind)."""
    groups: dict[str, list[list[str]]] = {"t2": [], "t3": [], "t4": []}
    last: str | None = None
    for b in blocks:
        if not isinstance(b, Table):
            continue
        kind = classify(b) or last
        if kind:
            groups[kind] += _dedupe_merged(b)
            last = kind
    active, hints = parse_t2(groups["t2"]) if groups["t2"] else (None, set())
    applications = parse_t3(groups["t3"]) if groups["t3"] else None
    if applications is not None and _old_t3(groups["t3"]):
        hints.add("2019")
    appeals = parse_t4(groups["t4"]) if groups["t4"] else None
    return Tables(active, applications, appeals, hints)


def _dedupe_merged(table: Table) -> list[list[str]]:
    """Blank out copies of merged cells so a spanned number is not read twice."""
    merged = table.merged
    if not any(map(any, merged)):
        return table.rows
    rows = []
    for r, row in enumerate(table.rows):
        m = merged[r] if r < len(merged) else ()
        # a C scan; a row without copies, or whose copies hold no number (the label cells of
        # a spanning label), stays as it is (kind "n" is exactly is_numeric)
        if True not in m or "n" not in "".join(map(kind, compress(row, m))):
            rows.append(row)
            continue
        out, width, c = row, len(row), -1
        for _ in range(m.count(True)):  # only the few copied positions are looked at
            c = m.index(True, c + 1)  # a C scan
            if c < width and cell_value(row[c]) is not None:  # is_numeric
                if out is row:
                    out = list(row)
                out[c] = ""
        rows.append(out)
    return rows


def _old_t3(rows: list[list[str]]) -> bool:
    """2019 format: （六）其他处理 is one row, without the 1–3 items."""
    text = _joined(rows)
    return "其他处理" in text and "不补正" not in text and "缴纳费用" not in text
