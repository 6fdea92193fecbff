"""The chrome real report pages wrap around a report, drawn per page from the shapes seen on
real county portals (tests/realpages): breadcrumbs that name a column or another place, a
font-size/share/listen bar, a "生效日期/废止日期" box, a run-together "发布时间:2025-01-2016:07",
and 上一篇/下一篇 links that name other publishers' reports in the same column.

Pure and deterministic: the same world, document and date give the same bytes. The chrome
never changes a fact the ground truth holds (who published, which year, the shown time).
"""

from __future__ import annotations

import html
import random
from datetime import date

from . import facts
from .world import Doc, Site, World

_CRUMBS = (
    "您当前所在位置：首页 &gt; 政务公开 &gt; 各乡镇 &gt; {place}",
    "当前位置：首页/政府信息公开/政府信息公开年报/",
    "您现在的位置：首页 &gt; 乡镇街道 &gt; 政府信息公开年报",
    "首页 &gt; 信息公开 &gt; 法定主动公开内容 &gt; 年度报告",
)
_TOOLS = (
    '<div class="fontsize">字体：【<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
    '<a href="javascript:;">小</a>】</div><div class="share">分享到：<a href="javascript:;">微信</a>'
    ' <a href="javascript:;">微博</a> <a href="javascript:;">QQ空间</a></div>'
    '<div class="listen"><a href="javascript:;">听全文</a> 扫一扫在手机打开当前页</div>'
)


def _rng(world: World, doc: Doc) -> random.Random:
    return facts.rng_for(world.seed, "chrome", doc.key)


def crumb(world: World, site: Site, doc: Doc, place: str) -> str:
    tpl = _rng(world, doc).choice(_CRUMBS)
    return f'<div class="crumb">{tpl.format(place=html.escape(place))}</div>'


def date_line_runon(doc: Doc, source: str) -> str:
    """发布时间:2025-01-2016:07 — a real CMS prints the date and the time with no space."""
    t = doc.published
    return (f'<div class="info">发布时间:{t:%Y-%m-%d}{t:%H:%M} 来源：{html.escape(source)} '
            f'浏览次数:{int(t.timestamp()) % 883}</div>')


def runs_on(world: World, site: Site, doc: Doc) -> bool:
    return site.date_style == "line" and _rng(world, doc).random() < 0.5


def validity_box(site: Site, doc: Doc) -> str:
    """After the shown time only: 生效日期 is not a publication time."""
    if site.date_style not in ("line", "table"):
        return ""
    return (f'<div class="validity"><span>生效日期:{doc.published:%Y-%m-%d}</span> '
            '<span>废止日期:暂无</span> <span>有效性：有效</span></div>')


def source_box(source: str) -> str:
    """A 发布机构 field for pages whose title does not name the body."""
    return f'<div class="org"><span>发布机构：</span><span>{html.escape(source)}</span></div>'


def tools() -> str:
    return f'<div class="tools-bar">{_TOOLS}</div>'


def neighbours(world: World, site: Site, doc: Doc, today: date, prefix: str) -> str:
    """上一篇 / 下一篇: the column's neighbouring entries, often other publishers' reports."""
    shown = world.listing(site.index, today)
    keys = [d.key for d in shown]
    if doc.key not in keys:
        return ""
    i = keys.index(doc.key)
    parts = []
    if i > 0:
        prev = shown[i - 1]
        parts.append(f'<li>上一篇：<a href="{prefix}{prev.path}">{html.escape(prev.title)}</a></li>')
    if i + 1 < len(shown):
        nxt = shown[i + 1]
        parts.append(f'<li>下一篇：<a href="{prefix}{nxt.path}">{html.escape(nxt.title)}</a></li>')
    return f'<ul class="prev-next">{"".join(parts)}</ul>' if parts else ""
