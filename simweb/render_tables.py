"""The three statistical tables of the 2021 template, laid out as official sites publish them.

A layout is a list of rows; each row lists the cells that start in it (HTML style: positions
covered by a rowspan/colspan from above or the left are not listed again). Every renderer
(HTML, DOCX, PDF, PNG, TXT) draws from these layouts, so all formats carry the same grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nianbao.contract import (  # noqa: F401  (re-exported for the renderers and tests)
    T3_COLUMNS,
    T3_GROUPS,
    T3_HEAD_ORGS,
    T4_GROUPS,
    T4_HEADS,
    T4_OUTCOMES,
    fmt_value,
)

Layout = list[list["Cell"]]


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


def _get(d: dict | None, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _scalar(v: Any) -> Any:
    # Table 2 single numbers may come as plain values or {"value": …}.
    return v.get("value") if isinstance(v, dict) else v


def table2(active: dict) -> Layout:
    h = lambda t, cs=1: Cell(t, colspan=cs, header=True)  # noqa: E731
    rows: Layout = [[h("第二十条第（一）项", 4)],
                    [h("信息内容"), h("本年制发件数"), h("本年废止件数"), h("现行有效件数")]]
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([Cell(label)] + [Cell(fmt_value(_get(active, key, f)))
                                     for f in ("issued", "repealed", "in_force")])
    blocks = [("第二十条第（五）项", "本年处理决定数量", [("licensing", "行政许可")]),
              ("第二十条第（六）项", "本年处理决定数量",
               [("penalty", "行政处罚"), ("enforcement", "行政强制")]),
              ("第二十条第（八）项", "本年收费金额（单位：万元）", [("fees", "行政事业性收费")])]
    for item, head, lines in blocks:
        rows.append([h(item, 4)])
        rows.append([h("信息内容"), h(head, 3)])
        for key, label in lines:
            rows.append([Cell(label), Cell(fmt_value(_scalar(active.get(key))), colspan=3)])
    return rows


def _values(row: dict | None) -> list[Cell]:
    return [Cell(fmt_value(_get(row, c))) for c in T3_COLUMNS]


def table3(apps: dict) -> Layout:
    h = lambda t, rs=1, cs=1: Cell(t, rowspan=rs, colspan=cs, header=True)  # noqa: E731
    rows: Layout = [
        [h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
         h("申请人情况", 1, 7)],
        [h("自然人", 2), h("法人或其他组织", 1, 5), h("总计", 2)],
        [h(t) for t in T3_HEAD_ORGS],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3)] + _values(apps.get("new")),
        [Cell("二、上年结转政府信息公开申请数量", colspan=3)] + _values(apps.get("carried_over")),
    ]
    n_results = 2 + sum(len(items) for _, items in T3_GROUPS) + 1
    rows.append([Cell("三、本年度办理结果", rowspan=n_results), Cell("（一）予以公开", colspan=2)]
                + _values(apps.get("granted")))
    rows.append([Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)]
                + _values(apps.get("partly_granted")))
    for group, items in T3_GROUPS:
        for i, (key, label) in enumerate(items):
            lead = [Cell(group, rowspan=len(items))] if i == 0 else []
            rows.append(lead + [Cell(label)] + _values(apps.get(key)))
    rows.append([Cell("（七）总计", colspan=2)] + _values(apps.get("results_total")))
    rows.append([Cell("四、结转下年度继续办理", colspan=3)] + _values(apps.get("carried_forward")))
    return rows


def table4(appeals: dict) -> Layout:
    h = lambda t, rs=1, cs=1: Cell(t, rowspan=rs, colspan=cs, header=True)  # noqa: E731
    return [
        [h("行政复议", 1, 5), h("行政诉讼", 1, 10)],
        [h(t, 2) for t in T4_HEADS] + [h("未经复议直接起诉", 1, 5), h("复议后起诉", 1, 5)],
        [h(t) for t in T4_HEADS * 2],
        [Cell(fmt_value(_get(appeals, g, o))) for g in T4_GROUPS for o in T4_OUTCOMES],
    ]


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


def report_tables(report: dict) -> dict[int, Layout]:
    """The tables present in a report, keyed by the number of the part they belong to."""
    out: dict[int, Layout] = {}
    for number, key, build in ((2, "active", table2), (3, "applications", table3),
                               (4, "appeals", table4)):
        if report.get(key) is not None:
            out[number] = build(report[key])
    return out
