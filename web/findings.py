"""What each finding code means, in plain Chinese (and English), for pages and help."""

from __future__ import annotations

from flask_babel import get_locale

from nianbao.findings import FINDINGS

MEANINGS = FINDINGS

STATUS: dict[str, tuple[str, str]] = {
    "on_time": ("按时", "on time"), "late": ("逾期", "late"), "missing": ("未发布", "missing"),
    "not_due": ("未到期", "not yet due"), "unknown": ("无法核实", "unknown"),
}


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if str(get_locale() or "zh") == "en" else pair[0]


def meaning(code: str) -> str:
    return _pick(MEANINGS[code]) if code in MEANINGS else code


def status_label(status: str | None) -> str:
    return _pick(STATUS[status]) if status in STATUS else (status or "—")


# Where an attributed fact came from (the report's `meta_sources`, docs/methodology.md § 1a).
EVIDENCE_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "title"), "organ": ("机关", "body"), "place": ("乡镇（街道）", "township"),
    "county": ("县（区）", "county"), "city": ("市", "city"), "province": ("省", "province"),
    "year": ("报告年度", "report year"), "published": ("发布时间", "publication date"),
}
EVIDENCE_SOURCES: dict[str, tuple[str, str]] = {
    "title": ("正文标题", "the report's title line"), "page_title": ("网页标题", "the page title"),
    "metadata": ("页面信息栏", "the page's metadata box"), "page": ("页面显示的发布时间", "the date the page shows"),
    "prose": ("正文表述", "the prose"), "prose:mention": ("正文中提及的乡镇名称", "a township the prose names"),
    "prose:lead": ("正文首段", "the lead paragraph"), "prose:county": ("全县（区）性表述", "a county-wide text"),
    "period": ("统计期限", "the statistics period"), "published": ("发布日期推算", "the publication date"),
    "registry": ("行政区划名录", "the division registry"),
    "crawl:link_text": ("抓取时的链接文字", "the link text the crawler followed"),
    "crawl:registry": ("监测名录中的发布机关", "the publisher registry row"),
}


def evidence(sources: dict[str, str] | None) -> list[tuple[str, str]]:
    """(field label, source label) for the report page, in a fixed order."""
    out = []
    for field, label in EVIDENCE_FIELDS.items():
        src = (sources or {}).get(field)
        if not src:
            continue
        head, _, detail = src.partition(":")
        if src in EVIDENCE_SOURCES:
            text = _pick(EVIDENCE_SOURCES[src])
        elif head == "metadata":  # metadata:发布机构 — name the field itself
            text = f"{_pick(EVIDENCE_SOURCES['metadata'])}（{detail}）"
        else:
            text = src
        out.append((_pick(label), text))
    return out
