"""Shared bits of the family list pages: the page frame, a report's link, the 专题 and mirror boxes."""

from __future__ import annotations

import html
from datetime import date, datetime

from ..pages import Page
from ..world import Doc, Site, World

EPOCH = datetime(2019, 1, 1)


def frame(site: Site, title: str, body: str, modified: datetime | None) -> Page:
    text = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{site.encoding}">
<title>{html.escape(title)}_{html.escape(site.name)}</title></head>
<body><div class="header"><h2 class="site-name">{html.escape(site.name)}门户网站</h2>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwdt/">政务动态</a></li></ul></div>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; {html.escape(title)}</div>
<div class="main">{body}</div>
<div class="footer">主办：{html.escape(site.name)}办公室 技术支持：某某信息技术有限公司</div></body></html>"""
    return Page(200, text.encode(site.encoding, "xmlcharrefreplace"),
                f"text/html; charset={site.encoding}", modified)


def modified(docs: list[Doc], today: date) -> datetime:
    return max((d.last_modified(today) for d in docs), default=EPOCH)


def mirror_box(world: World, site: Site, today: date, mirror: str | None, n: int = 5) -> str:
    """A 专题 box linking the newest reports on the provincial platform's copy of the site."""
    if not mirror:
        return ""
    reports = [d for d in world.listing(site.index, today) if d.kind == "report"][:n]
    items = "".join(f'<li><a href="{mirror}{d.path}" target="_blank">{html.escape(d.title)}</a></li>'
                    for d in reports)
    return f'<div class="zt"><h3>省政府信息公开平台 · 年报专题</h3><ul>{items}</ul></div>'


def topic_box(world: World, site: Site, today: date, n: int = 3) -> str:
    """A 年报专题 box on the site itself: its oldest visible reports, under the same URLs as in
    the column (real portals list a report in the column, the township's column and a 专题).
    The oldest, so that a paged column meets them again only on its last pages."""
    reports = [d for d in world.listing(site.index, today) if d.kind == "report"][-n:]
    items = "".join(f'<li><a href="{d.path}" target="_blank" title="{html.escape(d.title, quote=True)}">'
                    f"{html.escape(d.title)}</a></li>" for d in reports)
    return f'<div class="ztzl" id="ndbg-zt"><h3>政府信息公开年报专题</h3><ul>{items}</ul></div>'
