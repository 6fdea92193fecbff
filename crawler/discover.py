"""Discovery on fetched pages: report links, pagination, attachments, the shown publication time.

Pure functions over (html text, page URL): easy to test alone, no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import opencc
from lxml import etree

ATTACHMENT_EXT = ("pdf", "docx", "doc", "wps", "ofd")
_REPORT = re.compile(r"信息公开.{0,8}(年度报告|年报)|(年度报告|年报).{0,4}信息公开")
# Neighbours in the same column that mention the annual report but are not one.
_NOT_REPORT = re.compile(r"自查|通知|复函|函$|的函|要点|计划|方案|报表|统计表|解读|指南|征求意见|"
                         r"目录|专栏|编制|核查|检查|通报|整改|工作总结|意见")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九○Ｏ", "001234567890" + "0")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九○Ｏ]{4})\s*年")
_PAGER_TEXT = {"下一页", "下页", "尾页", "末页", "上一页", "上页", "首页", ">", ">>", "»"}
_LIST_NAME = re.compile(r"^(index|list|default)(_\d+)?\.s?html?$", re.I)

# Publication time as shown on a page, labelled ("发布时间：2025-01-18 10:02") first.
_DT = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：时]\s*(\d{2}))?"
_PUBLISHED = [
    re.compile(r"(?:发布时间|发布日期|发文日期|公开日期|发布于)\s*[:：]?\s*" + _DT),
    re.compile(r"(?<![成印])(?:时间|日期)\s*[:：]\s*" + _DT),
    re.compile(r"•\s*" + _DT),
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})"),
]


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # anchor text or title attribute, whichever is longer (titles are untruncated)
    context: str = ""  # text of the enclosing list item (dates shown beside the link)


@dataclass
class Listing:
    reports: list[Link]
    pages: list[str]  # further list pages (pagination) in the same column


@lru_cache(maxsize=1)
def _t2s() -> Any:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


@lru_cache(maxsize=4)
def _tree(text: str) -> etree._Element:
    """The parsed page without scripts and styles (plain lxml.etree elements: much cheaper
    than lxml.html's element classes). Cached: one page is read by several helpers; callers
    must not modify the tree."""
    try:
        doc = etree.fromstring(text or "<html></html>", _PARSER)
    except ValueError:  # an XML declaration with an encoding inside a str
        doc = etree.fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text), _PARSER)
    if doc is None:
        doc = etree.fromstring("<html></html>", _PARSER)
    etree.strip_elements(doc, "script", "style", "noscript", with_tail=False)
    return doc


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _anchors(doc: etree._Element, base: str) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, absolute URL without fragment, text or longer title) of each followable link."""
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        text = _text(a)
        title = " ".join((a.get("title") or "").split())
        yield a, urldefrag(urljoin(base, href))[0], (title if len(title) > len(text) else text)


def _context(a: etree._Element) -> str:
    """Text of the link's parent (dates shown beside it). Only asked for report links: most
    links are chrome, and a chrome link's parent can be the whole page."""
    parent = a.getparent()
    return _text(parent)[:300] if parent is not None else ""


def is_report_title(text: str) -> bool:
    """An annual disclosure report: 年度报告/年报 of 信息公开, a year, not a notice about one."""
    t = simplified(text)
    return bool(_REPORT.search(t)) and year_of(t) is not None and not _NOT_REPORT.search(t)


def year_of(title: str) -> int | None:
    t = simplified(title)
    m = _YEAR.search(t)
    if m:
        return int(m[1])
    m = _CN_YEAR.search(t)
    if m:
        y = int(m[1].translate(_CN_DIGITS))
        return y if 1990 <= y <= 2100 else None
    return None


def organ_of(title: str) -> str:
    """The body named before the year: 'X县X镇人民政府2024年政府信息…' -> 'X县X镇人民政府'."""
    t = re.sub(r"\s+", "", simplified(title))
    m = _YEAR.search(t) or _CN_YEAR.search(t)
    head = t[: m.start()] if m else t
    return head.strip("《》“”\"'：:（）()【】[]·-—_ ")


def _same_column(url: str, entry: str) -> bool:
    u, e = urlsplit(url), urlsplit(entry)
    return u.netloc == e.netloc and u.path.rsplit("/", 1)[0] == e.path.rsplit("/", 1)[0]


def parse_listing(text: str, url: str, entry_url: str) -> Listing:
    """Report links and pagination on one list page of the column starting at `entry_url`."""
    doc = _tree(text)
    reports: dict[str, Link] = {}
    pages: list[str] = []
    here = {_page_key(url), _page_key(entry_url)}
    for a, href, label in _anchors(doc, url):
        if is_report_title(label):
            reports.setdefault(href, Link(href, label, _context(a)))
        elif _is_attachment(href) and is_report_title(context := _context(a)):
            reports.setdefault(href, Link(href, label, context))
        elif _same_column(href, entry_url) and (
                _LIST_NAME.match(urlsplit(href).path.rsplit("/", 1)[-1] or "index.html")
                or label in _PAGER_TEXT or label.isdigit()):
            if href not in pages and _page_key(href) not in here:  # not this page again
                pages.append(href)
    for page in _scripted_pages(text, url):
        if page not in pages and _page_key(page) not in here:
            pages.append(page)
    return Listing(list(reports.values()), pages)


def _page_key(url: str) -> str:
    """A list page's identity: `col/`, `col/index.html` and `col/index.shtml` are one page
    (TRS breadcrumbs and 首页 links point back at the column under either name)."""
    u = urlsplit(url)
    path = re.sub(r"/(index|default)\.s?html?$", "/", u.path, flags=re.I)
    return f"{u.netloc}{path}?{u.query}"


# TRS-generated columns write their pager in JavaScript: createPageHTML(7, 0, "index", "html")
# means 7 pages: index.html, index_1.html … index_6.html. Older TRS templates write it inline:
# `var countPage = 2//共多少页` … document.write("<a href=\"index"+"_" + i + "."+"html\">…").
_TRS_PAGER = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_TRS_COUNT = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_TRS_COUNT_HREF = re.compile(r"""(\w+)["']\s*\+\s*["']_["']\s*\+\s*\w+\s*\+\s*["']\.["']\s*\+\s*["'](s?html?)""")


def _scripted_pages(text: str, url: str) -> list[str]:
    m = _TRS_PAGER.search(text)
    if m:
        count, stem, ext = min(int(m[1]), 500), m[2], m[3]
    elif (c := _TRS_COUNT.search(text)) and (h := _TRS_COUNT_HREF.search(text, c.end())):
        count, stem, ext = min(int(c[1]), 500), h[1], h[2]
    else:
        return []
    return [urljoin(url, f"{stem}_{i}.{ext}") for i in range(1, count)]


def _is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().rsplit(".", 1)[-1] in ATTACHMENT_EXT


def attachments(text: str, url: str) -> list[str]:
    """Attachment URLs (PDF/DOCX/DOC/WPS/OFD) linked from a report page, in page order."""
    out: list[str] = []
    for _a, href, name in _anchors(_tree(text), url):
        name = name.lower()
        if _is_attachment(href) or any(name.endswith("." + e) for e in ATTACHMENT_EXT):
            if href not in out:
                out.append(href)
    return out


@lru_cache(maxsize=4)
def page_text(text: str, url: str = "") -> str:
    """Visible text of a page, scripts and styles removed, one line per text node."""
    parts = (t.strip() for t in _tree(text).itertext())
    return "\n".join(p for p in parts if p)


def is_full_report(text: str) -> bool:
    """Does the page carry the report itself (not just a short page pointing at an attachment)?"""
    t = simplified(text)
    return ("总体情况" in t and "依申请" in t) or len(re.findall(r"行政复议|主动公开|不予公开", t)) >= 3


def published_shown(text: str) -> datetime | None:
    """The publication time a page shows: '发布时间：2025-01-18 10:02', '时间:2025-01-18',
    '… • 2025-01-18 10:02', a metadata table's 发布日期 … (labelled forms first)."""
    t = simplified(text)
    for pattern in _PUBLISHED:
        for m in pattern.finditer(t):
            try:
                y, mo, d = int(m[1]), int(m[2]), int(m[3])
                hh, mm = (int(m[4]), int(m[5])) if m.lastindex and m.lastindex >= 5 and m[4] else (0, 0)
                return datetime(y, mo, d, hh, mm)
            except (ValueError, TypeError):
                continue
    return None


def listed_date(context: str) -> datetime | None:
    m = re.search(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", context)
    if not m:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def page_title(text: str) -> str | None:
    """The page's own title: its first <h1>, else <title> without the site suffix."""
    doc = _tree(text)
    for tag in ("h1", "title"):
        for el in doc.iter(tag):
            title = _text(el)
            if title:
                return title.split("_")[0]
    return None
