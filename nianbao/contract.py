"""The keys and official labels of the report's tables, as the JSON contract names them.

One definition for every stage: the parser fills these keys, the index maps them, the simulated
web renders them and the portal draws them in the official layout
(shared/spec/report-json.md; 国办公开办函〔2021〕30号).
"""

from __future__ import annotations

from typing import Any

T2_TRIPLES = ("regulations", "normative_documents")
T2_DOC_COLS = ("issued", "repealed", "in_force")
T2_SINGLE = ("licensing", "penalty", "enforcement", "fees")

T3_COLUMNS = ("natural_person", "business", "research", "public_interest", "legal_services",
              "other_org", "total")
T3_HEAD_ORGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
# The result items of （三）–（六）, with the official row labels, in form order.
T3_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("（三）不予公开", (
        ("refused_state_secret", "1.属于国家秘密"),
        ("refused_prohibited", "2.其他法律行政法规禁止公开"),
        ("refused_safety_stability", "3.危及“三安全一稳定”"),
        ("refused_third_party", "4.保护第三方合法权益"),
        ("refused_internal", "5.属于三类内部事务信息"),
        ("refused_process", "6.属于四类过程性信息"),
        ("refused_enforcement_file", "7.属于行政执法案卷"),
        ("refused_query", "8.属于行政查询事项"),
    )),
    ("（四）无法提供", (
        ("unable_not_held", "1.本机关不掌握相关政府信息"),
        ("unable_needs_creation", "2.没有现成信息需要另行制作"),
        ("unable_unclear", "3.补正后申请内容仍不明确"),
    )),
    ("（五）不予处理", (
        ("not_handled_petition", "1.信访举报投诉类申请"),
        ("not_handled_repeat", "2.重复申请"),
        ("not_handled_publication", "3.要求提供公开出版物"),
        ("not_handled_mass", "4.无正当理由大量反复申请"),
        ("not_handled_reconfirm", "5.要求行政机关确认或重新出具已获取信息"),
    )),
    ("（六）其他处理", (
        ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other_other", "3.其他"),
    )),
)
REFUSED, UNABLE, NOT_HANDLED, OTHER = (tuple(k for k, _ in items) for _, items in T3_GROUPS)
RESULT_ITEMS = ("granted", "partly_granted", *REFUSED, *UNABLE, *NOT_HANDLED, *OTHER)
T3_ROWS = ("new", "carried_over", *RESULT_ITEMS, "results_total", "carried_forward")

T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
T4_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

NARRATIVE = ("proactive_items", "applications_received")


def fmt_value(v: Any) -> str:
    """A table value as printed: blank for null, integers without decimals."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def get_path(doc: dict[str, Any], path: str) -> Any:
    """The value at a contract path (`active.licensing`, `applications.new.total`)."""
    cur: Any = doc
    for key in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    if isinstance(cur, dict) and "value" in cur:  # table-2 singles may come as {"value": …}
        cur = cur["value"]
    return cur
