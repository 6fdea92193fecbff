"""Tables 2–4 in the official layout (rowspan/colspan as on the form), each value cell named by
its contract path so that cells a finding names can be marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.reviews import get_path
from nianbao.contract import T3_COLUMNS, T3_GROUPS, T4_GROUPS, T4_HEADS, T4_OUTCOMES
from nianbao.contract import fmt_value as fmt


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    path: str | None = None  # contract path of a value cell
    value: Any = None


Row = list[Cell]



def _h(text: str, rs: int = 1, cs: int = 1) -> Cell:
    return Cell(text, rs, cs, header=True)


def _v(doc: dict[str, Any], path: str, cs: int = 1) -> Cell:
    value = get_path(doc, path)
    return Cell(fmt(value), colspan=cs, path=path, value=value)


def table2(doc: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [[_h("第二十条第（一）项", 1, 4)],
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


def _t3(doc: dict[str, Any], row: str) -> Row:
    return [_v(doc, f"applications.{row}.{c}") for c in T3_COLUMNS]


def table3(doc: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [
        [_h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), _h("申请人情况", 1, 7)],
        [_h("自然人", 2), _h("法人或其他组织", 1, 5), _h("总计", 2)],
        [_h(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
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


def table4(doc: dict[str, Any]) -> list[Row]:
    return [
        [_h("行政复议", 1, 5), _h("行政诉讼", 1, 10)],
        [_h(t, 2) for t in T4_HEADS] + [_h("未经复议直接起诉", 1, 5), _h("复议后起诉", 1, 5)],
        [_h(t) for t in T4_HEADS * 2],
        [_v(doc, f"appeals.{g}.{o}") for g in T4_GROUPS for o in T4_OUTCOMES],
    ]


def report_tables(doc: dict[str, Any]) -> dict[int, list[Row]]:
    """The tables present in a report, keyed by the number of the part they belong to."""
    out: dict[int, list[Row]] = {}
    for number, key, build in ((2, "active", table2), (3, "applications", table3), (4, "appeals", table4)):
        if doc.get(key) is not None:
            out[number] = build(doc)
    return out


def value_paths(doc: dict[str, Any]) -> list[str]:
    """Every value cell's path in the tables present (what a reviewer may correct)."""
    return [c.path for rows in report_tables(doc).values() for row in rows for c in row if c.path]


# The official form's labels in English (the page shows these in English mode; the exported
# and JSON data keep the contract paths).
LABELS_EN: dict[str, str] = {
    "第二十条第（一）项": "Article 20 (1)", "第二十条第（五）项": "Article 20 (5)",
    "第二十条第（六）项": "Article 20 (6)", "第二十条第（八）项": "Article 20 (8)",
    "信息内容": "Item", "本年制发件数": "Issued this year", "本年废止件数": "Repealed this year",
    "现行有效件数": "In force", "规章": "Regulations", "行政规范性文件": "Normative documents",
    "本年处理决定数量": "Decisions this year", "行政许可": "Administrative licensing",
    "行政处罚": "Administrative penalties", "行政强制": "Administrative enforcement",
    "本年收费金额（单位：万元）": "Fees collected this year (10,000 yuan)",
    "行政事业性收费": "Administrative fees",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）":
        "(In each column, item 1 + item 2 = item 3 + item 4)",
    "申请人情况": "Applicants", "自然人": "Natural persons", "法人或其他组织": "Legal persons and other organisations",
    "总计": "Total", "商业企业": "Businesses", "科研机构": "Research institutions",
    "社会公益组织": "Public-interest organisations", "法律服务机构": "Legal service providers", "其他": "Other",
    "一、本年新收政府信息公开申请数量": "1. New applications received this year",
    "二、上年结转政府信息公开申请数量": "2. Applications carried over from last year",
    "三、本年度办理结果": "3. Outcomes this year", "（一）予以公开": "(1) Disclosed",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(2) Partly disclosed",
    "（三）不予公开": "(3) Refused", "（四）无法提供": "(4) Cannot be provided",
    "（五）不予处理": "(5) Not handled", "（六）其他处理": "(6) Handled otherwise",
    "1.属于国家秘密": "1. State secret", "2.其他法律行政法规禁止公开": "2. Disclosure prohibited by other law",
    "3.危及“三安全一稳定”": "3. Endangers security or stability",
    "4.保护第三方合法权益": "4. Protects third-party rights", "5.属于三类内部事务信息": "5. Internal affairs",
    "6.属于四类过程性信息": "6. Process information", "7.属于行政执法案卷": "7. Enforcement case file",
    "8.属于行政查询事项": "8. Administrative inquiry matter",
    "1.本机关不掌握相关政府信息": "1. Not held by this body",
    "2.没有现成信息需要另行制作": "2. Would have to be created",
    "3.补正后申请内容仍不明确": "3. Still unclear after correction",
    "1.信访举报投诉类申请": "1. Petition or complaint", "2.重复申请": "2. Repeated application",
    "3.要求提供公开出版物": "3. Asks for a publication", "4.无正当理由大量反复申请": "4. Mass repeated applications",
    "5.要求行政机关确认或重新出具已获取信息": "5. Asks to confirm or reissue information already obtained",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1. Applicant did not correct in time",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2. Applicant did not pay the fee in time",
    "3.其他": "3. Other", "（七）总计": "(7) Total", "四、结转下年度继续办理": "4. Carried forward to next year",
    "行政复议": "Administrative review", "行政诉讼": "Administrative litigation",
    "未经复议直接起诉": "Sued directly", "复议后起诉": "Sued after review",
    "结果维持": "Upheld", "结果纠正": "Corrected", "其他结果": "Other outcome", "尚未审结": "Pending",
}

# The six parts of the 2021 template, by number.
PARTS_EN = {1: "1. Overview", 2: "2. Proactive disclosure", 3: "3. Applications received and handled",
            4: "4. Administrative review and litigation", 5: "5. Main problems and improvements",
            6: "6. Other matters"}


def label(text: str, lang: str) -> str:
    """A table label in the page's language (the official Chinese when no English is known)."""
    return LABELS_EN.get(text, text) if lang == "en" else text
