"""Render contract tables as report text in the three encodings seen in the seeds (test helper)."""

from __future__ import annotations

from indexer.parse.tables import (
    NOT_HANDLED,
    OTHER,
    REFUSED,
    T3_COLS,
    T4_GROUPS,
    T4_OUTCOMES,
    UNABLE,
)

LABELS = {
    "new": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一) 予以公开", "partly_granted": "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)",
    "results_total": "(七) 总计", "carried_forward": "四、结转下年度继续办理",
}
ITEMS = {
    **dict(zip(REFUSED, ["1. 属于国家秘密", "2. 其他法律行政法规禁止公开", "3. 危及“三安全一稳定”",
                         "4. 保护第三方合法权益", "5. 属于三类内部事务信息", "6. 属于四类过程性信息",
                         "7. 属于行政执法案卷", "8. 属于行政查询事项"])),
    **dict(zip(UNABLE, ["1. 本机关不掌握相关政府信息", "2. 没有现成信息需要另行制作", "3. 补正后申请内容仍不明确"])),
    **dict(zip(NOT_HANDLED, ["1. 信访举报投诉类申请", "2. 重复申请", "3. 要求提供公开出版物",
                             "4. 无正当理由大量反复申请", "5. 要求行政机关确认或重新出具已获取信息"])),
    **dict(zip(OTHER, ["1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                       "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3. 其他"])),
}
GROUP_HEADS = {REFUSED[0]: "(三) 不予公开", UNABLE[0]: "(四) 无法提供", NOT_HANDLED[0]: "(五) 不予处理",
               OTHER[0]: "(六) 其他处理"}


def _v(v) -> str:
    return "" if v is None else str(v)


def t3_rows(app: dict) -> list[list[str]]:
    """Rows as the seeds' tab text has them: label cells, some rows shifted by a merged cell."""
    head = [["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "", "申请人情况", "", "", "", "", "", "总计", ""],
            ["", "", "自然人", "法人或其他组织", "", "", "", "", "", ""],
            ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "", ""]]
    rows = list(head)
    vals = lambda k: [_v(app[k][c]) for c in T3_COLS]  # noqa: E731
    rows.append([LABELS["new"], "", *vals("new"), ""])
    rows.append([LABELS["carried_over"], "", *vals("carried_over"), ""])
    rows.append(["三、本年度办理结果", LABELS["granted"], *vals("granted"), ""])
    rows.append(["", LABELS["partly_granted"], *vals("partly_granted"), ""])
    for key, label in ITEMS.items():
        if key == "other_other":
            rows.append([label, "", *vals(key), ""])  # shifted: the merged cells are missing
        else:
            rows.append(["", GROUP_HEADS.get(key, ""), label, *vals(key)])
    rows.append([LABELS["results_total"], "", *vals("results_total"), ""])
    rows.append([LABELS["carried_forward"], "", *vals("carried_forward"), ""])
    return rows


def t4_rows(appeals: dict) -> list[list[str]]:
    sub = ["结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"]
    return [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            sub + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            [""] * 5 + sub + sub,
            [_v(appeals[g][o]) for g in T4_GROUPS for o in T4_OUTCOMES]]


T2_ROWS = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
           ["规章", "0", "0", "0"], ["行政规范性文件", "2", "0", "5"],
           ["第二十条第（五）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""], ["行政许可", "3", "", ""],
           ["第二十条第（六）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""],
           ["行政处罚", "1", "", ""], ["行政强制", "0", "", ""],
           ["第二十条第（八）项", "", "", ""], ["信息内容", "本年收费金额（单位：万元）", "", ""],
           ["行政事业性收费", "0", "", ""]]


def _table(rows: list[list[str]], encoding: str) -> str:
    if encoding == "tab":
        return "\n".join("\t".join(r) for r in rows)
    if encoding == "md":
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])
    # one cell per line (DOCX export)
    return "\n\n".join("\n".join("\t" + c for c in r) for r in rows) + "\n"


def render_text(app: dict, appeals: dict, *, encoding: str = "tab", year: int = 2024,
                town: str = "朝阳镇", received: int | None = None) -> str:
    h = "# " if encoding == "md" else ""
    received = app["new"]["total"] if received is None else received
    parts = [
        f"{h}孟津区{town}人民政府 {year} 年政府信息公开工作年度报告", "",
        f"{h}一、总体情况", "",
        f"（一）主动公开：{year} 年通过不同渠道和方式公开政府信息共 391 条。",
        f"（二）依申请公开：{year} 年共收到政府信息公开申请 {received} 件。", "",
        f"{h}二、主动公开政府信息情况", "", _table(T2_ROWS, encoding), "",
        f"{h}三、收到和处理政府信息公开申请情况", "", _table(t3_rows(app), encoding), "",
        f"{h}四、政府信息公开行政复议、行政诉讼情况", "", _table(t4_rows(appeals), encoding), "",
        f"{h}五、存在的主要问题及改进情况", "", f"{year}年，{town}政府信息公开工作有序推进。", "",
        f"{h}六、其他需要报告的事项", "", f"本单位{year}年度未收取政府信息公开信息处理费。", "",
    ]
    return "\n".join(parts)
