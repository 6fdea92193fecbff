"""The pages of a county portal on a given date, in one of four CMS layouts.

`render_page(world, site, path, query, today) -> Page` is pure: the same world, path and date
give the same bytes, so ETags are stable and a second crawl can be answered with 304s.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import opencc

from . import chrome
from .render import render_report
from .world import PER_PAGE, Doc, Site, World

CONTENT_TYPES = {"pdf": "application/pdf", "doc": "application/msword",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "txt": "text/plain; charset=utf-8"}
EPOCH = datetime(2019, 1, 1)


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None


def not_found() -> Page:
    return Page(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(),
                "text/html; charset=utf-8")


# --- site chrome ------------------------------------------------------------------------------
def _chrome(site: Site, title: str, body: str, prefix: str = "") -> str:
    mirror = f'<a href="/big5{site.list_path}">繁體</a>' if site.mirror and not prefix else ""
    charset = "gbk" if site.encoding == "gbk" else "utf-8"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{html.escape(title)}_{html.escape(site.name)}</title></head>
<body><div class="topbar"><a href="javascript:;" id="wza">无障碍</a> | <a href="javascript:;">长者专版</a>
 | {mirror} <a href="/search/?q=">站内搜索</a></div>
<div class="header"><h2 class="site-name">{html.escape(site.name)}门户网站</h2>
<ul class="nav"><li><a href="{prefix}/">首页</a></li><li><a href="{prefix}{site.list_path}">政府信息公开年报</a></li>
<li><a href="{prefix}/zwdt/">政务动态</a></li><li><a href="{prefix}/hdjl/">互动交流</a></li></ul></div>
<div class="main">{body}</div>
<div class="footer">主办：{html.escape(site.name)}办公室 | 网站标识码：{site.county.code[:6]}0001 |
 ICP备案：{site.county.province[:1]}ICP备{site.county.code[:8]}号<br>
 版权所有 © {html.escape(site.name)} 技术支持：某某信息技术有限公司</div></body></html>"""


def _date_line(site: Site, doc: Doc, source: str) -> str:
    t = doc.published
    if site.date_style == "line":
        return f'<div class="info">发布时间：{t:%Y-%m-%d %H:%M} 来源：{html.escape(source)}</div>'
    if site.date_style == "byline":
        return (f'<div class="byline">来源:{html.escape(source)} 作者: '
                f'时间:{t:%Y-%m-%d} 点击率:{int(t.timestamp()) % 997}</div>')
    if site.date_style == "bullet":
        return f'<ul class="meta"><li>{html.escape(site.name)}门户网 · {t:%Y-%m-%d %H:%M}</li></ul>'
    seq = int(t.timestamp()) % 100 + 1
    return f"""<table class="xxgk-meta"><tr><td>索引号</td><td>{site.county.code[:8]}-2/{t:%Y%m%d}-{seq:05d}</td>
<td>分类</td><td>政府信息公开年报</td></tr><tr><td>发布机构</td><td>{html.escape(source)}</td>
<td>成文日期</td><td>{t:%Y-%m-%d}</td></tr><tr><td>名称</td><td>{html.escape(doc.title)}</td>
<td>发布日期</td><td>{t:%Y-%m-%d}</td></tr></table>"""


# --- list pages -----------------------------------------------------------------------------
def _list_page_number(site: Site, path: str, query: dict[str, str]) -> int | None:
    """Which listing page a path is (1-based), or None when it is not a listing."""
    base = site.list_path.rsplit("/", 1)[0]
    if not path.startswith(base + "/"):
        return None
    name = path[len(base) + 1:]
    if site.layout == "hanweb":
        return int(query.get("pageNum", "1") or 1) if name in ("index.html", "") else None
    if name in ("index.html", ""):
        return 1
    m = re.fullmatch(r"index_(\d+)\.html", name)
    if not m:
        return None
    n = int(m.group(1))
    return n + 1 if site.layout == "trs" else n  # TRS counts index_1 as the second page


def _page_href(site: Site, n: int, prefix: str) -> str:
    if site.layout == "hanweb":
        return f"index.html?uid=4563{site.index}&pageNum={n}"
    if n == 1:
        return "index.html"
    return f"index_{n - 1 if site.layout == 'trs' else n}.html"


def _doc_href(site: Site, doc: Doc, prefix: str) -> str:
    if site.layout == "trs":  # TRS lists link relatively: ./202501/t20250118_86644547.html
        return "./" + doc.path.removeprefix("/xxgk/ndbg/")
    return prefix + doc.path


def _listing(world: World, site: Site, n: int, today: date, prefix: str) -> Page:
    docs = world.listing(site.index, today)
    pages = max(1, -(-len(docs) // PER_PAGE))
    if n < 1 or n > pages:
        return not_found()
    chunk = docs[(n - 1) * PER_PAGE:n * PER_PAGE]
    items = "\n".join(
        f'<li><a href="{_doc_href(site, d, prefix)}" title="{html.escape(d.title)}" '
        f'target="_blank">{html.escape(d.title)}</a><span class="date">{d.published:%Y-%m-%d}</span></li>'
        for d in chunk)
    nav = [f'<span>共{len(docs)}条 第{n}/{pages}页</span>']
    if n > 1:
        nav.append(f'<a href="{_page_href(site, n - 1, prefix)}">上一页</a>')
    if n < pages:
        nav.append(f'<a href="{_page_href(site, n + 1, prefix)}">下一页</a>')
        nav.append(f'<a href="{_page_href(site, pages, prefix)}">尾页</a>')
    body = (f'<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>'
            f'<ul class="list">{items}</ul><div class="pagination">{" ".join(nav)}</div>')
    modified = max((d.last_modified(today) for d in chunk), default=EPOCH)
    return _html(site, "政府信息公开年报", body, prefix, modified)


def _html(site: Site, title: str, body: str, prefix: str, modified: datetime | None) -> Page:
    text = _chrome(site, title, body, prefix)
    if prefix == "/big5":
        text = _to_traditional(text)
    enc = site.encoding
    return Page(200, text.encode(enc, "xmlcharrefreplace"), f"text/html; charset={enc}", modified)


@lru_cache(maxsize=1)
def _converter() -> Any:  # an opencc.OpenCC
    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _converter().convert(text)


# --- articles -------------------------------------------------------------------------------
def _article(world: World, site: Site, doc: Doc, today: date, prefix: str) -> Page:
    source = site.name
    place = site.county.name
    if doc.kind == "report":
        pub = world.publisher(doc.publisher_id or "")
        source, place = pub.place, pub.place
        report = world.report(doc, today)
        if doc.attachment:
            name = f"{doc.title}.{doc.fmt}"
            content = (f'<p>{html.escape(doc.title)}详见附件。</p><p class="attach">附件：'
                       f'<a href="{doc.attachment}">{html.escape(name)}</a></p>')
        else:
            content = render_report(report, "html").decode("utf-8")
    else:
        content = (f"<p>{html.escape(doc.title)}。</p><p>各乡镇（街道）、县直各单位：请按照《中华人民共和国"
                   f"政府信息公开条例》要求认真做好相关工作。</p><p>{doc.published:%Y年%m月%d日}</p>")
    shown = chrome.date_line_runon(doc, source) if chrome.runs_on(world, site, doc) \
        else _date_line(site, doc, source)
    org = chrome.source_box(source) if doc.kind == "report" and not doc.names_organ else ""
    body = (f'{chrome.crumb(world, site, doc, place)}'
            f'<h1 class="title">{html.escape(doc.title)}</h1>{shown}{org}{chrome.validity_box(site, doc)}'
            f'{chrome.tools()}<div class="content" id="zoom">{content}</div>'
            f'<div class="tools">【<a href="javascript:window.print()">打印本页</a>】'
            f'【<a href="javascript:window.close()">关闭窗口</a>】</div>'
            f'{chrome.neighbours(world, site, doc, today, prefix)}')
    return _html(site, doc.title, body, prefix, doc.last_modified(today))


def _attachment(world: World, doc: Doc, today: date) -> Page:
    data = render_report(world.report(doc, today), doc.fmt)
    ctype = CONTENT_TYPES.get(doc.fmt, "application/octet-stream")
    return Page(200, data, ctype, doc.last_modified(today))


# --- dispatch -------------------------------------------------------------------------------
def render_page(world: World, site_index: int, path: str, query: dict[str, str],
                today: date) -> Page:
    site = world.site(site_index)
    prefix = ""
    if site.mirror and (path == "/big5" or path.startswith("/big5/")):
        prefix, path = "/big5", path[5:] or "/"
    if path == "/robots.txt" and not prefix:
        return Page(200, site.robots.encode(), "text/plain; charset=utf-8", EPOCH)
    if path in ("/", "/index.html", "/index.htm"):
        body = (f'<div class="news"><h3>政府信息公开</h3><ul><li><a href="{prefix}{site.list_path}">'
                f'政府信息公开年报</a></li><li><a href="{prefix}/zwdt/">政务动态</a></li></ul></div>')
        return _html(site, "首页", body, prefix, EPOCH)
    if path in ("/zwdt/", "/hdjl/"):
        return _html(site, "栏目", "<p>暂无信息。</p>", prefix, EPOCH)
    if path.startswith("/search/"):
        return _html(site, "站内搜索", "<form><input name=q></form><p>请输入关键词。</p>",
                     prefix, EPOCH)
    n = _list_page_number(site, path, query)
    if n is not None:
        return _listing(world, site, n, today, prefix)
    doc = world.doc_at(site_index, path)
    if doc is None or not doc.visible(today):
        return not_found()
    if path == doc.attachment:
        return _attachment(world, doc, today) if not prefix else not_found()
    return _article(world, site, doc, today, prefix)
