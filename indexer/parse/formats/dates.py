"""Publication times and metadata fields shown as page text (发布时间：…, 索引号 …)."""

from __future__ import annotations

import re

META_LABELS = ("索引号", "发布机构", "发文机构", "发文机关", "公开主体", "发布单位", "所属机构",
               "发文字号", "文号", "成文日期", "发布日期", "发布时间", "更新时间", "生成日期",
               "公开日期", "主题分类", "来源", "信息来源")
_LABEL_ALT = "|".join(sorted(META_LABELS, key=len, reverse=True))
_LABEL_VALUE = re.compile(
    rf"({_LABEL_ALT})\s*[:：]\s*(.+?)(?=\s*(?:{_LABEL_ALT}|作者|点击|浏览|访问|字号|【|\|)\s*[:：]?|\s{{2,}}|$)")
_LABEL_ONLY = re.compile(rf"^({_LABEL_ALT}|日期)\s*[:：]?$")
_ANY_LABEL = re.compile(rf"{_LABEL_ALT}|日期")  # needed by both patterns above

DATE = (r"(20\d\d|19\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
        r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")
_DATE = re.compile(DATE)
# labels that mark a publication time; a bare 日期/时间 not when it is another date's
# (成文日期, 生效日期, 废止日期, 印发日期, 更新时间 …)
# 发文日期 is the release date only in a box that has no 发布日期/发布时间 field (even an empty
# one): beside such a field it is the document's date, like 成文日期.
_PUB_LABEL = (r"(?:发布时间|发布日期|公开日期|发表时间|撰写时间|"
              r"(?<!成文|生效|废止|印发|失效|更新|修改|有效|截止|打印|开始|结束|发文)(?:时间|日期))")
_PUB_LABELED = re.compile(rf"{_PUB_LABEL}[\s:：|]{{0,6}}{DATE}")  # "| 发布日期 | 2026-01-19 |" too
_PUB_LABEL_ONLY = re.compile(rf"{_PUB_LABEL}\s*[:：]?\s*$")
_LEADING_DATE = re.compile(rf"^\s*{DATE}")
_BULLET = re.compile(rf"[•·]\s*{DATE}")
_ISSUED_AT = re.compile(rf"发文日期[\s:：|]{{0,6}}{DATE}")
_PUB_FIELD = re.compile(r"发布时间|发布日期|发表时间|公开日期")
_LIST_MARK = re.compile(r"^\s*[-*]\s+")  # "- 时间:" / "- 2024-01-18" (a definition list as text)
# An unlabelled date line under the title: the date then page chrome (来源/作者/点击…), or the
# site's name or address then the date ("银川市人民政府门户网站 www.yinchuan.gov.cn 2023-01-28").
_CHROME_DATE = re.compile(rf"^\s*{DATE}\s*(?:(?:来源|作者|点击|浏览|阅读|访问|字号|【)[^。]*)$")
_SITE_DATE = re.compile(rf"^[^。，,；;]{{0,40}}(?:网站|门户|www\.|\.gov\.cn)[^。，,；;]{{0,30}}?\s{DATE}\s*$")
_MARK_START = re.compile(r"^(?:[^\S\n]|[-*])", re.M)  # where _LIST_MARK can match
_HEAD_LINES = 15


def to_iso(m: re.Match, offset: int = 0) -> str | None:
    """Groups (year, month, day, hour, minute, second) from `offset` → ISO 8601 in Beijing time."""
    g = m.groups()[offset:offset + 6]
    y, mo, d = int(g[0]), int(g[1]), int(g[2])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if g[3] is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    hh, mm, ss = int(g[3]), int(g[4]), int(g[5] or 0)
    if hh > 23 or mm > 59 or ss > 59:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}+08:00"


def published_from_lines(lines: list[str]) -> str | None:
    """The publication time a page shows: a labelled time first (the label and its value on
    one line, or the value on the next line), then '网站名 • date'."""
    joined = "\n".join(lines)
    # _LIST_MARK matches only at a line starting with a space or a mark: the rest stay as they are
    if marked := _lines_with(_MARK_START, joined, len(lines)):
        lines = list(lines)
        for i in marked:
            lines[i] = _LIST_MARK.sub("", lines[i])
        joined = "\n".join(lines)
    if "时间" in joined or "日期" in joined:
        for i in _lines_with(_TIME_WORD, joined, len(lines)):  # every publication label has one
            line = lines[i]
            m = _PUB_LABELED.search(line)
            if m and (iso := to_iso(m)):
                return iso
            if i + 1 < len(lines) and _PUB_LABEL_ONLY.search(line):
                m = _LEADING_DATE.match(lines[i + 1])
                if m and (iso := to_iso(m)):
                    return iso
    if "•" in joined or "·" in joined:
        for i in _lines_with(_BULLET_MARK, joined, len(lines)):
            m = _BULLET.search(lines[i])
            if m and (iso := to_iso(m)):
                return iso
    pub_field: bool | None = None  # whether the page has a 发布日期 field: searched once, when needed
    for line in lines[:_HEAD_LINES]:
        m = _CHROME_DATE.match(line) or _SITE_DATE.match(line)
        if not m and pub_field is None:
            pub_field = _PUB_FIELD.search(joined) is not None
        if not m and not pub_field:
            m = _ISSUED_AT.search(line)
        if m and (iso := to_iso(m)):
            return iso
    return None


_TIME_WORD = re.compile("时间|日期")
_BULLET_MARK = re.compile("[•·]")


def _lines_with(pattern: re.Pattern[str], joined: str, n: int) -> range | list[int]:
    """Indexes of the lines of `joined` (n lines joined by line breaks) where `pattern` (which
    never matches a line break) matches, found by one search of the whole text; all of them
    when a line holds a break of its own (a superset: the caller tests each line)."""
    if joined.count("\n") != n - 1:
        return range(n)
    out: list[int] = []
    i = at = 0
    for m in pattern.finditer(joined):
        i += joined.count("\n", at, m.start())
        at = m.start()
        if not out or out[-1] != i:
            out.append(i)
    return out


def meta_from_lines(lines: list[str]) -> dict[str, str]:
    """Raw label → value pairs (索引号, 发布日期, 成文日期, …), label-colon-value or label
    and value in adjacent lines (metadata tables)."""
    meta: dict[str, str] = {}
    joined = "\n".join(lines)
    if not _ANY_LABEL.search(joined):
        return meta  # no label anywhere: nothing below can match
    for i in _lines_with(_ANY_LABEL, joined, len(lines)):
        line = lines[i]
        if len(line) > 200 or line.isdigit() or not _ANY_LABEL.search(line):
            continue  # a figure or a line without a label is neither a label nor label: value
        only = _LABEL_ONLY.match(line)
        if only and i + 1 < len(lines) and not _LABEL_ONLY.match(lines[i + 1]):
            meta.setdefault(only.group(1), lines[i + 1].strip())
            continue
        for m in _LABEL_VALUE.finditer(line):
            value = m.group(2).strip(" ：:|")
            if value:
                meta.setdefault(m.group(1), value)
    return meta


def published_from_meta(meta: dict[str, str]) -> str | None:
    """A publication date given in a metadata box (label and value in separate cells)."""
    for label in ("发布时间", "发布日期", "公开日期", "日期"):
        m = _DATE.search(meta.get(label, ""))
        if m and (iso := to_iso(m)):
            return iso
    return None
