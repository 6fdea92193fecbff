"""大汉 Hanweb jpage columns: the first group of records inline in a `<script type="text/xml">`
datastore, the rest from `/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…`
with the column's parameters posted (or in the query). Quirks kept: the proxy answers only
for the right columnid/unitid (else an empty datastore), clips endrecord to the total, and
answers XML whatever the method."""

from __future__ import annotations

import html
from datetime import date

from ..pages import Page
from ..world import Doc, Site, World
from .common import frame, mirror_box, modified, topic_box

PER_PAGE, GROUP = 15, 3
PROXY = "/module/web/jpage/dataproxy.jsp"


def column_id(site: Site) -> int:
    return 1229300000 + site.index


def unit_id(site: Site) -> int:
    return 4560 + site.index


def entry_path(site: Site) -> str:
    return f"/col/col{column_id(site)}/index.html"


def _record(d: Doc) -> str:
    title = html.escape(d.title, quote=True)
    return (f"<record><![CDATA[<li><a href='{d.path}' title='{title}' target='_blank'>{title}</a>"
            f"<span class='bt-data-time'>{d.published:%Y-%m-%d}</span></li>]]></record>")


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    docs = world.listing(site.index, today)
    if path == entry_path(site):
        return _column(world, site, docs, today, mirror)
    if path == PROXY:
        return _proxy(site, docs, query, today)
    return None


def _column(world: World, site: Site, docs: list[Doc], today: date, mirror: str | None) -> Page:
    first = docs[: PER_PAGE * GROUP]
    records = "\n".join(_record(d) for d in first)
    col, unit = column_id(site), unit_id(site)
    body = f"""<div class="lm-title">政府信息公开年报</div>
<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{PROXY}?page=1&appid=1&webid={site.index + 1}&path=/&columnid={col}&unitid={unit}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{records}
</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jquery.jpage.js"></script>
<script>$(document).ready(function(){{ $('#{unit}').jpage({{ dataStore: dataStore, totalRecord: {len(docs)},
 perPage: {PER_PAGE}, groupSize: {GROUP}, proxyUrl: '{PROXY}', barPosition: 'bottom', showMode: 'full',
 ajaxParam: {{ col: 1, appid: 1, webid: {site.index + 1}, path: '/', columnid: {col}, sourceContentType: 1,
 unitid: {unit}, webname: '{html.escape(site.name)}', permissiontype: 0 }} }}); }});</script>
{topic_box(world, site, today)}{mirror_box(world, site, today, mirror)}"""
    return frame(site, "政府信息公开年报", body, modified(first, today))


def _proxy(site: Site, docs: list[Doc], query: dict[str, str], today: date) -> Page:
    right = query.get("columnid") == str(column_id(site)) and query.get("unitid") == str(unit_id(site))
    try:
        start, end = int(query.get("startrecord", "1")), int(query.get("endrecord", "0"))
    except ValueError:
        start, end = 1, 0
    chunk = docs[max(start, 1) - 1: min(end, len(docs))] if right else []
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(docs) if right else 0}'
           f'</totalrecord><recordset>{"".join(_record(d) for d in chunk)}</recordset></datastore>')
    return Page(200, xml.encode("utf-8"), "text/xml; charset=UTF-8", modified(chunk, today))
