"""The official tables' labels in English (the layout itself is nianbao.tables'): the report
page shows these in English mode; the exported and JSON data keep the contract paths."""

from __future__ import annotations

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
