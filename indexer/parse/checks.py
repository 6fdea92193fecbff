"""Checks on one parsed report → findings (codes of shared/spec/report-json.md).

A sum with blank cells is decided only when it can be: known parts already above a known total
is an error; otherwise blanks make it a warning ("cannot decide"), never an error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .sections import HEADINGS
from .tables import (
    RESULT_ITEMS,
    T2_SINGLES,
    T2_TRIPLE_COLS,
    T2_TRIPLES,
    T3_COLS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
)

ROW_NAMES = {
    "new": "本年新收", "carried_over": "上年结转", "granted": "予以公开", "partly_granted": "部分公开",
    "refused_state_secret": "不予公开-国家秘密", "refused_prohibited": "不予公开-法律法规禁止",
    "refused_safety_stability": "不予公开-三安全一稳定", "refused_third_party": "不予公开-第三方权益",
    "refused_internal": "不予公开-内部事务", "refused_process": "不予公开-过程性信息",
    "refused_enforcement_file": "不予公开-行政执法案卷", "refused_query": "不予公开-行政查询事项",
    "unable_not_held": "无法提供-不掌握", "unable_needs_creation": "无法提供-需另行制作",
    "unable_unclear": "无法提供-补正后仍不明确", "not_handled_petition": "不予处理-信访举报投诉",
    "not_handled_repeat": "不予处理-重复申请", "not_handled_publication": "不予处理-公开出版物",
    "not_handled_mass": "不予处理-大量反复申请", "not_handled_reconfirm": "不予处理-确认或重新出具",
    "other_no_correction": "其他处理-逾期不补正", "other_no_fee": "其他处理-逾期未缴费",
    "other_other": "其他处理-其他", "results_total": "（七）总计", "carried_forward": "结转下年度",
}
COL_NAMES = dict(zip(T3_COLS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                               "其他", "总计")))
GROUP_NAMES = {"review": "行政复议", "litigation_direct": "未经复议直接起诉",
               "litigation_after_review": "复议后起诉"}
OLD_T3_OPTIONAL = {"other_no_correction", "other_no_fee"}


@dataclass
class Finding:
    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    cells: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "cells": list(self.cells)}


def _fmt(v: object) -> str:
    return "空" if v is None else str(v)


def sum_check(code: str, what: str, parts: list[tuple[str, object]], total: tuple[str, object],
              extra_right: list[tuple[str, object]] | None = None) -> Finding | None:
    """sum(parts) == total (+ extra_right). None when it holds or blanks leave it open at
    equality; warning when blanks leave it undecidable; error when it fails for sure."""
    right = [total, *(extra_right or [])]
    return sum_values(code, what, [v for _, v in parts], [v for _, v in right],
                      lambda: [p for p, _ in parts] + [p for p, _ in right])


def sum_values(code: str, what: str, lv: list[Any], rv: list[Any],
               cells: Callable[..., list[str]]) -> Finding | None:
    lblank = None in lv
    rblank = None in rv
    lsum = sum(v for v in lv if v is not None) if lblank else sum(lv)
    rsum = sum(v for v in rv if v is not None) if rblank else sum(rv)
    if not lblank and not rblank:
        if _eq(lsum, rsum):
            return None
        return Finding(code, "error", f"{what}：{_fmt(lsum)} ≠ {_fmt(rsum)}", cells())
    if all(v is None for v in lv) and all(v is None for v in rv):
        return None  # an empty block is BLANK_CELL's business
    if lblank and not rblank and lsum > rsum + 1e-9:
        return Finding(code, "error", f"{what}：已填部分之和 {_fmt(lsum)} 已超过 {_fmt(rsum)}", cells())
    if rblank and not lblank and rsum > lsum + 1e-9:
        return Finding(code, "error", f"{what}：{_fmt(lsum)} 小于已填的 {_fmt(rsum)}", cells())
    if _eq(lsum, rsum):
        return None  # blanks read as zero keep it true; BLANK_CELL names them
    return Finding(code, "warning", f"{what}：有空白单元格，无法判断（已填 {_fmt(lsum)} 与 {_fmt(rsum)}）",
                   cells())


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def _t3_specs() -> list[tuple[str, str, tuple, tuple, list[str]]]:
    """(code, message, left cells, right cells, cell paths) of every table-3 sum, built once;
    a cell is (row key, column index)."""
    path = "applications.{}.{}".format
    ci = {c: i for i, c in enumerate(T3_COLS)}
    specs = []
    for c in T3_COLS:
        rows = ("new", "carried_over", "results_total", "carried_forward")
        specs.append(("T3_BALANCE", f"表三“{COL_NAMES[c]}”列：新收+上年结转 应等于 总计+结转下年度",
                      tuple((r, ci[c]) for r in rows[:2]), tuple((r, ci[c]) for r in rows[2:]),
                      [path(r, c) for r in rows]))
    for r in T3_ROWS:
        specs.append(("T3_ROW_SUM", f"表三“{ROW_NAMES[r]}”行：各类申请人之和应等于总计",
                      tuple((r, ci[c]) for c in T3_COLS[:-1]), ((r, ci["total"]),),
                      [path(r, c) for c in T3_COLS]))
    for c in T3_COLS:
        specs.append(("T3_RESULTS_SUM", f"表三“{COL_NAMES[c]}”列：各项办理结果之和应等于（七）总计",
                      tuple((r, ci[c]) for r in RESULT_ITEMS), (("results_total", ci[c]),),
                      [path(r, c) for r in (*RESULT_ITEMS, "results_total")]))
    return specs


_T3_SPECS = _t3_specs()


_T3_ROW = itemgetter(*T3_COLS)


def _t3_holds(m: dict[str, tuple]) -> list[bool] | None:
    """For a table without blanks (rows as value tuples): whether each sum of `_T3_SPECS`
    holds (same order), from row and column sums computed once; None when a cell is blank."""
    if any(None in row for row in m.values()):
        return None
    new, old, total, fwd = m["new"], m["carried_over"], m["results_total"], m["carried_forward"]
    holds = [_eq(sum((a, b)), sum((c, d))) for a, b, c, d in zip(new, old, total, fwd)]
    holds += [_eq(sum(m[r][:-1]), m[r][-1]) for r in T3_ROWS]
    results = [m[r] for r in RESULT_ITEMS]
    holds += [_eq(sum(col), t) for col, t in zip(zip(*results), total)]
    return holds


def check_t3(app: dict) -> list[Finding]:
    out: list[Finding] = []
    m = {r: _T3_ROW(app[r]) for r in T3_ROWS}
    holds = _t3_holds(m)
    if holds is not None and all(holds):
        return out
    for i, (code, what, left, right, cells) in enumerate(_T3_SPECS):
        if holds is not None and holds[i]:
            continue
        lv = [m[r][c] for r, c in left]
        rv = [m[r][c] for r, c in right]
        if None not in lv and None not in rv and _eq(sum(lv), sum(rv)):
            continue  # the common case: complete and consistent
        f = sum_values(code, what, lv, rv, lambda cells=cells: list(cells))
        if f:
            out.append(f)
    return out


def check_t4(appeals: dict) -> list[Finding]:
    out = []
    for g in T4_GROUPS:
        cells = [(f"appeals.{g}.{o}", appeals[g][o]) for o in T4_OUTCOMES]
        f = sum_check("T4_SUM", f"表四“{GROUP_NAMES[g]}”：维持+纠正+其他+尚未审结 应等于总计",
                      cells[:-1], cells[-1])
        if f:
            out.append(f)
    return out


def blank_cells(report: dict, template: str | None) -> list[Finding]:
    out = []
    for name, blanks in (("表二", _t2_blanks(report.get("active"))),
                         ("表三", _t3_blanks(report.get("applications"), template)),
                         ("表四", _t4_blanks(report.get("appeals")))):
        if blanks:
            out.append(Finding("BLANK_CELL", "warning",
                               f"{name}有 {len(blanks)} 个单元格为空或无法识别", blanks))
    return out


def _t2_values(active: dict | None) -> list:
    if not active:
        return []
    return [active[k][c] for k in T2_TRIPLES for c in T2_TRIPLE_COLS] + [active[k] for k in T2_SINGLES]


def _t2_blanks(active: dict | None) -> list[str]:
    if not active:
        return []
    out = [f"active.{k}.{c}" for k in T2_TRIPLES for c in T2_TRIPLE_COLS if active[k][c] is None]
    return out + [f"active.{k}" for k in T2_SINGLES if active[k] is None]


def _t3_blanks(app: dict | None, template: str | None) -> list[str]:
    if not app:
        return []
    return [f"applications.{r}.{c}" for r in T3_ROWS
            if not (template == "2019" and r in OLD_T3_OPTIONAL) and None in app[r].values()
            for c in T3_COLS if app[r][c] is None]


def _t4_blanks(appeals: dict | None) -> list[str]:
    if not appeals:
        return []
    return [f"appeals.{g}.{o}" for g in T4_GROUPS for o in T4_OUTCOMES if appeals[g][o] is None]


def check_narrative(report: dict, no_appeals: bool) -> list[Finding]:
    out = []
    fig = (report.get("narrative") or {}).get("applications_received")
    app = report.get("applications")
    if fig and app and not fig["approx"]:
        total = app["new"]["total"]
        carried = app["carried_over"]["total"]
        cells = ["narrative.applications_received", "applications.new.total"]
        if total is None:
            known = [app["new"][c] for c in T3_COLS[:-1]]
            if all(v is not None for v in known):
                total = sum(known)
        if total is None:
            out.append(Finding("NARRATIVE_MISMATCH", "warning",
                               f"正文称收到申请 {fig['value']} 件，表三本年新收总计为空，无法核对", cells))
        elif not _eq(fig["value"], total) and not (carried is not None and _eq(fig["value"], total + carried)):
            out.append(Finding("NARRATIVE_MISMATCH", "error",
                               f"正文称收到申请 {fig['value']} 件，表三本年新收总计为 {total}", cells))
    appeals = report.get("appeals")
    if no_appeals and appeals:
        paths = [f"appeals.{g}.total" for g in T4_GROUPS if (appeals[g]["total"] or 0) > 0]
        if paths:
            out.append(Finding("NARRATIVE_MISMATCH", "error",
                               "正文称无行政复议、行政诉讼，表四却有案件", paths))
    return out


def check_structure(report: dict, year: int | None) -> list[Finding]:
    if year is not None and year < 2019:
        return []  # before the unified format: free-form reports
    out = []
    have = {s["number"] for s in report.get("sections") or []}
    missing = [n for n in range(1, 7) if n not in have]
    if missing:
        out.append(Finding("MISSING_SECTION", "error" if len(missing) < 6 else "warning",
                           "缺少第" + "、".join("一二三四五六"[n - 1] for n in missing) + "部分（"
                           + "；".join(HEADINGS[n] for n in missing) + "）",
                           [f"sections.{n}" for n in missing]))
    for key, name in (("active", "表二 主动公开政府信息情况"), ("applications", "表三 收到和处理政府信息公开申请情况"),
                      ("appeals", "表四 行政复议、行政诉讼情况")):
        if report.get(key) is None:
            out.append(Finding("MISSING_TABLE", "error", f"缺少{name}", [key]))
    return out


def check_template(report: dict) -> list[Finding]:
    year, template = report.get("year"), report.get("template")
    if year is not None and year >= 2021 and template == "2019":
        return [Finding("OLD_TEMPLATE", "error",
                        f"{year} 年度报告仍使用 2019 年旧版格式（应使用国办公开办函〔2021〕30号格式）",
                        ["template"])]
    return []


def check_zero(report: dict) -> list[Finding]:
    values = _t2_values(report.get("active"))
    for table in (report.get("applications"), report.get("appeals")):
        for row in (table or {}).values():
            values += row.values()
    known = [v for v in values if v is not None]
    if known and not any(known):
        return [Finding("ZERO_REPORT", "info", "报告中所有表格数字均为零", [])]
    return []


_PERIOD = re.compile(r"((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")


def check_year(report: dict, text_norm: str) -> list[Finding]:
    year = report.get("year")
    if year is None:
        return []
    out = []
    for m in _PERIOD.finditer(text_norm):
        a, b = int(m.group(1)), int(m.group(2))
        if a != year or b != year:
            out.append(Finding("YEAR_MISMATCH", "error",
                               f"标题年度为 {year} 年，正文统计期间为 {a} 年至 {b} 年", ["year"]))
            break
    if not out:
        counts = Counter(int(y) for y in _YEAR_IN_TEXT.findall(text_norm))
        counts.pop(year + 1, None)  # plans for next year are normal
        if counts and year not in counts:
            top, n = counts.most_common(1)[0]
            if n >= 2 and top != year:
                out.append(Finding("YEAR_MISMATCH", "warning",
                                   f"标题年度为 {year} 年，正文多处写的是 {top} 年", ["year"]))
    return out


# Every alternative starts with a literal, so `re` scans for the first characters instead of
# trying the whole pattern at every position (10× faster on a report).
_PLACEHOLDER = re.compile("|".join(f"{p}(?:镇|乡|街道|区|县|市|单位|部门|人民政府|年)"
                                   for p in ("XX", "xx", "××", "某某", "○○")) + "|XXX+|×××+")
_CJK2 = re.compile(r"[\u4e00-\u9fff]{2}")
_NOT_NAME = set("各全本我该此在和与及的等个乡镇街区县市省为对由是将于到从向")
_TITLE_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?报告")


def check_leftovers(report: dict, text_norm: str, title_area: str) -> list[Finding]:
    out = []
    m = _placeholder(text_norm) or _placeholder(report.get("title") or "")
    if m:
        out.append(Finding("TEMPLATE_LEFTOVER", "warning", f"正文留有模板占位符“{m.group(0)}”", ["text"]))
    year = report.get("year")
    if year:
        for m in _TITLE_YEAR.finditer(title_area + "\n" + text_norm[:300]):
            y = int(m.group(1))
            if y != year:
                out.append(Finding("TEMPLATE_LEFTOVER", "warning",
                                   f"报告为 {year} 年度，文中却出现“{y}年…年度报告”", ["year"]))
                break
    place = report.get("place") or ""
    core = re.sub(r"(镇|乡|街道)$", "", place)
    if core and place != core:
        others = sorted({a + b for a, b in _town_refs(text_norm)
                         if not (set(a) & _NOT_NAME) and not core.endswith(a)})
        if others:
            out.append(Finding("TEMPLATE_LEFTOVER", "warning",
                               f"报告主体为{place}，正文却出现其他单位名称：{'、'.join(others[:5])}", ["text"]))
    return out


_PLACEHOLDER_STARTS = ("XX", "xx", "××", "某某", "○○")


def _placeholder(text: str) -> re.Match | None:
    # every match starts with one of these; `in` rules most texts out faster than re
    if not any(p in text for p in _PLACEHOLDER_STARTS):
        return None
    return _PLACEHOLDER.search(text)


def _town_refs(text: str) -> list[tuple[str, str]]:
    """("朝阳", "镇") for every "朝阳镇人民政府" / "…街道办事处": the matches of
    `([\u4e00-\u9fff]{2})(镇|乡|街道)(?:人民政府|办事处)`, found from the suffix words
    with str.find (much faster than a regex scan of the whole text)."""
    out, end = [], 0
    for start, kind, stop in _town_suffixes(text):
        i = start - 2
        if i >= end and _CJK2.fullmatch(text, i, start):
            out.append((text[i:start], kind))
            end = stop
    return out


def _town_suffixes(text: str) -> list[tuple[int, str, int]]:
    """(start, 镇|乡|街道, end) of every 镇/乡/街道 + 人民政府/办事处, in text order."""
    out = []
    for word in ("人民政府", "办事处"):
        q = text.find(word)
        while q >= 0:
            if q >= 1 and text[q - 1] in "镇乡":
                out.append((q - 1, text[q - 1], q + len(word)))
            elif q >= 2 and text[q - 2:q] == "街道":
                out.append((q - 2, "街道", q + len(word)))
            q = text.find(word, q + len(word))
    out.sort()
    return out


def run_checks(report: dict, *, text_norm: str, title_area: str, no_appeals: bool) -> list[Finding]:
    findings: list[Finding] = []
    if report.get("applications"):
        findings += check_t3(report["applications"])
    if report.get("appeals"):
        findings += check_t4(report["appeals"])
    findings += blank_cells(report, report.get("template"))
    findings += check_narrative(report, no_appeals)
    findings += check_structure(report, report.get("year"))
    findings += check_year(report, text_norm)
    findings += check_template(report)
    findings += check_leftovers(report, text_norm, title_area)
    findings += check_zero(report)
    return findings
