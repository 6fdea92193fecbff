"""A 政府信息公开 directory platform: `/module/xxgk/list.jsp` shows a table of 索引号 / 标题 /
发布机构 / 生成日期 above a search form; the pager submits the form by POST (`currpage`); an
organ tree links one sub-column per township, sub-district and department
(`list.jsp?organ=<id>`), so every report is listed twice: in the county's column and in its
organ's. Quirks kept: a GET never pages (only the POSTed form does), the total page count is a
hidden field, and the rows' links are site-absolute."""

from __future__ import annotations

import html
import math
from datetime import date

from ..pages import Page
from ..world import Doc, Site, World
from .common import frame, mirror_box, modified, topic_box

LIST = "/module/xxgk/list.jsp"
PER_PAGE = 15


def entry_path(site: Site) -> str:
    return LIST


def _index_number(site: Site, d: Doc) -> str:
    return f"{site.county.code[:6]}00-{d.published:%Y}-{int(d.published.timestamp()) % 10000:04d}"


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    if path != LIST:
        return None
    organ = query.get("organ", "")
    pubs = {p.id: p for p in world.publishers(site.index)}
    if organ and organ not in pubs:
        return None
    docs = [d for d in world.listing(site.index, today) if not organ or d.publisher_id == organ]
    pages = max(1, math.ceil(len(docs) / PER_PAGE))
    posted = query.get("_method") == "POST"
    try:
        page = int(query.get("currpage", "1")) if posted else 1
    except ValueError:
        page = 1
    if not 1 <= page <= pages:
        return None
    chunk = docs[(page - 1) * PER_PAGE: page * PER_PAGE]
    source = {p.id: p.name for p in pubs.values()}
    rows = "\n".join(
        f"<tr><td>{_index_number(site, d)}</td><td class='title'><a href='{d.path}' target='_blank' "
        f"title='{html.escape(d.title, quote=True)}'>{html.escape(d.title)}</a></td>"
        f"<td>{html.escape(source.get(d.publisher_id or '', site.name))}</td><td>{d.published:%Y-%m-%d}</td></tr>"
        for d in chunk)
    tree = "".join(f'<li><a href="{LIST}?organ={p.id}">{html.escape(p.name)}</a></li>'
                   for p in pubs.values() if p.level != "county")
    body = f"""<div class="xxgk-left"><div class="organ-tree" id="organTree"><h3>机构目录</h3><ul>
<li><a href="{LIST}">{html.escape(site.name)}</a></li>{tree}</ul></div></div>
<div class="xxgk-right"><form id="searchForm" name="searchForm" action="{LIST}" method="post">
标题：<input type="text" name="title" value=""> 文号：<input type="text" name="wh" value="">
<input type="hidden" name="organ" value="{organ}"><input type="hidden" name="currpage" value="{page}">
<input type="hidden" name="totalpage" value="{pages}"><input type="submit" value="检索"></form>
<table class="xxgk-table"><tr><th>索引号</th><th>标题</th><th>发布机构</th><th>生成日期</th></tr>
{rows}</table>
<div class="page">共{len(docs)}条 第{page}/{pages}页 <a href="javascript:goPage({page + 1})">下一页</a></div>
<script>function goPage(n){{var f=document.searchForm;f.currpage.value=n;f.submit();}}</script>
</div>{topic_box(world, site, today) + mirror_box(world, site, today, mirror) if not organ and page == 1 else ""}"""
    return frame(site, "政府信息公开目录", body, modified(chunk, today))
