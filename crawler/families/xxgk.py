"""政府信息公开 directory platforms: a table of 索引号 / 标题 / 发布机构 / 生成日期 rows above
a search form; the pager submits that form by POST with the page number in a field
(`currpage`, `pageNo`, …); a tree of organs links one sub-column per township and department
(the same report is often listed in the county's column and in the township's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from ..discover import Link, _anchors, _text, _tree, is_report_title
from .base import MAX_PAGES, ListRequest, ListResult

NAME = "xxgk"
_PAGE_FIELD = re.compile(r"^(currpage|currentpage|curpage|pageno|pagenum|page|pageindex|cpage|"
                         r"page_no|pagenumber)$", re.I)
_TOTAL_FIELD = re.compile(r"^(totalpage|totalpages|pagecount|pagetotal|allpage)$", re.I)
_TOTAL_TEXT = re.compile(r"共\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页|\d+\s*/\s*(\d+)\s*页")
_ORGAN_BOX = re.compile(r"organ|jgml|bmml|dept|tree|zzjg|unit|xzqh|jgfl", re.I)
_ORGAN_NAME = re.compile(r"(镇|乡|街道|人民政府|办事处|局|委员会|办公室|中心)$")


def detect(text: str, url: str) -> bool:
    if "索引号" not in text or not ("发布机构" in text or "生成日期" in text):
        return False
    for row in _tree(text).iter("tr", "thead", "ul", "div"):
        head = _text(row)[:200]
        if "索引号" in head and ("生成日期" in head or "发布机构" in head) and len(head) < 120:
            return True
    return False


def _forms(doc: etree._Element) -> Iterator[tuple[etree._Element, list[tuple[str, str]]]]:
    for form in doc.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: list[tuple[str, str]] = []
        for el in form.iter("input", "select", "textarea"):
            name = el.get("name")
            kind = (el.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio") and el.get("checked") is None:
                continue
            if el.tag == "select":
                opts = [o for o in el.iter("option")]
                chosen = next((o for o in opts if o.get("selected") is not None), opts[0] if opts else None)
                value = (chosen.get("value") if chosen is not None and chosen.get("value") is not None
                         else (_text(chosen) if chosen is not None else ""))
            elif el.tag == "textarea":
                value = _text(el)
            else:
                value = el.get("value") or ""
            fields.append((name, value))
        yield form, fields


def _pages(doc: etree._Element, text: str, fields: list[tuple[str, str]]) -> int:
    for name, value in fields:
        if _TOTAL_FIELD.match(name) and value.isdigit():
            return int(value)
    m = _TOTAL_TEXT.search(_text(doc))
    return int(next(g for g in m.groups() if g)) if m else 1


def read(text: str, req: ListRequest, entry_url: str) -> ListResult:
    doc = _tree(text)
    result = ListResult(NAME, _row_links(doc, req.url))
    if req.page in (None, 1):  # the first page of a (sub-)column plans its own pages
        for form, fields in _forms(doc):
            field = next((n for n, _v in fields if _PAGE_FIELD.match(n)), None)
            if field is None:
                continue
            current = int(dict(fields).get(field) or 1) if dict(fields).get(field, "").isdigit() else 1
            action = urldefrag(urljoin(req.url, form.get("action") or req.url))[0]
            last = min(_pages(doc, text, fields), current + MAX_PAGES)
            for n in range(current + 1, last + 1):
                form_data = tuple((k, str(n) if k == field else v) for k, v in fields)
                result.requests.append(ListRequest(action, "POST", form_data, NAME, page=n))
            break
    if req.family is None:  # the county's own column: one sub-column per organ
        result.requests += _organ_columns(doc, req.url)
    return result


def _row_links(doc: etree._Element, url: str) -> list[Link]:
    """Report links of the table, with the whole row as context (索引号, organ, 生成日期)."""
    out: dict[str, Link] = {}
    for row in doc.iter("tr"):
        for _a, href, label in _anchors(row, url):
            if is_report_title(label):
                out.setdefault(href, Link(href, label, _text(row)[:300]))
    return list(out.values())


def _organ_columns(doc: etree._Element, url: str) -> list[ListRequest]:
    here = urlsplit(url)
    out: dict[str, ListRequest] = {}
    for a, href, label in _anchors(doc, url):
        target = urlsplit(href)
        if target.netloc != here.netloc or href == url or not _ORGAN_NAME.search(label):
            continue
        boxed = any(_ORGAN_BOX.search((el.get("class") or "") + " " + (el.get("id") or ""))
                    for el in a.iterancestors())
        same_list = target.path == here.path and target.query != here.query
        if boxed or same_list:
            out.setdefault(href, ListRequest(href, family=NAME, page=1, hint=(("organ", label),)))
    return list(out.values())
