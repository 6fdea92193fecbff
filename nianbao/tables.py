"""Tables 2–4 of the 2021 template in the official layout (国办公开办函〔2021〕30号): the one
owner of their grid, read by the portal (the report page marks cells a finding names) and by
the simulated web (every renderer — HTML, DOCX, PDF, PNG, TXT — draws the same grid).

A layout is a list of rows; each row lists the cells that start in it (HTML style: positions
covered by a rowspan/colspan from above or the left are not listed again). A value cell is
named by its contract path (`applications.new.total`) and keeps the value it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contract import (
    T3_COLUMNS,
    T3_GROUPS,
    T3_HEAD_ORGS,
    T4_GROUPS,
    T4_HEADS,
    T4_OUTCOMES,
    fmt_value,
    get_path,
)


@dataclass(frozen=True)
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    path: str | None = None  # contract path of a value cell
    value: Any = None


Layout = list[list[Cell]]


def _h(text: str, rs: int = 1, cs: int = 1) -> Cell:
    return Cell(text, rs, cs, header=True)


def _v(doc: dict[str, Any], path: str, cs: int = 1) -> Cell:
    value = get_path(doc, path)
    return Cell(fmt_value(value), colspan=cs, path=path, value=value)


def table2(doc: dict[str, Any]) -> Layout:
    rows: Layout = [[_h("第二十条第（一）项", 1, 4)],
                    [_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")]]
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([Cell(label)] + [_v(doc, f"active.{key}.{c}") for c in ("issued", "repealed", "in_force")])
    blocks = [("第二十条第（五）项", "本年处理决定数量", [("licensing", "行政许可")]),
              ("第二十条第（六）项", "本年处理决定数量", [("penalty", "行政处罚"), ("enforcement", "行政强制")]),
              ("第二十条第（八）项", "本年收费金额（单位：万元）", [("fees", "行政事业性收费")])]
    for item, head, lines in blocks:
        rows += [[_h(item, 1, 4)], [_h("信息内容"), _h(head, 1, 3)]]
        rows += [[Cell(label), _v(doc, f"active.{key}", 3)] for key, label in lines]
    return rows


def _t3(doc: dict[str, Any], row: str) -> list[Cell]:
    return [_v(doc, f"applications.{row}.{c}") for c in T3_COLUMNS]


def table3(doc: dict[str, Any]) -> Layout:
    rows: Layout = [
        [_h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), _h("申请人情况", 1, 7)],
        [_h("自然人", 2), _h("法人或其他组织", 1, 5), _h("总计", 2)],
        [_h(t) for t in T3_HEAD_ORGS],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3)] + _t3(doc, "new"),
        [Cell("二、上年结转政府信息公开申请数量", colspan=3)] + _t3(doc, "carried_over"),
    ]
    n_results = 2 + sum(len(items) for _, items in T3_GROUPS) + 1
    rows.append([Cell("三、本年度办理结果", rowspan=n_results), Cell("（一）予以公开", colspan=2)]
                + _t3(doc, "granted"))
    rows.append([Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)]
                + _t3(doc, "partly_granted"))
    for group, items in T3_GROUPS:
        for i, (key, label) in enumerate(items):
            lead = [Cell(group, rowspan=len(items))] if i == 0 else []
            rows.append(lead + [Cell(label)] + _t3(doc, key))
    rows.append([Cell("（七）总计", colspan=2)] + _t3(doc, "results_total"))
    rows.append([Cell("四、结转下年度继续办理", colspan=3)] + _t3(doc, "carried_forward"))
    return rows


def table4(doc: dict[str, Any]) -> Layout:
    return [
        [_h("行政复议", 1, 5), _h("行政诉讼", 1, 10)],
        [_h(t, 2) for t in T4_HEADS] + [_h("未经复议直接起诉", 1, 5), _h("复议后起诉", 1, 5)],
        [_h(t) for t in T4_HEADS * 2],
        [_v(doc, f"appeals.{g}.{o}") for g in T4_GROUPS for o in T4_OUTCOMES],
    ]


def report_tables(doc: dict[str, Any]) -> dict[int, Layout]:
    """The tables present in a report, keyed by the number of the part they belong to."""
    out: dict[int, Layout] = {}
    for number, key, build in ((2, "active", table2), (3, "applications", table3), (4, "appeals", table4)):
        if doc.get(key) is not None:
            out[number] = build(doc)
    return out


def value_paths(doc: dict[str, Any]) -> list[str]:
    """Every value cell's path in the tables present (what a reviewer may correct)."""
    return [c.path for rows in report_tables(doc).values() for row in rows for c in row if c.path]


def layout_grid(layout: Layout) -> tuple[list[list[str]], list[list[bool]], list[list[Cell | None]]]:
    """Expand a layout into a full grid: texts, copy marks, and the origin cell at each spot."""
    width = sum(c.colspan for c in layout[0])
    n = len(layout)
    texts = [[""] * width for _ in range(n)]
    merged = [[False] * width for _ in range(n)]
    origin: list[list[Cell | None]] = [[None] * width for _ in range(n)]
    taken = [[False] * width for _ in range(n)]
    for r, row in enumerate(layout):
        c = 0
        for cell in row:
            while c < width and taken[r][c]:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    rr, cc = r + dr, c + dc
                    if rr < n and cc < width:
                        taken[rr][cc] = True
                        texts[rr][cc] = cell.text
                        merged[rr][cc] = bool(dr or dc)
                        origin[rr][cc] = cell if not (dr or dc) else None
            c += cell.colspan
    return texts, merged, origin
