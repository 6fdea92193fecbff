"""A column rendered in the browser: the HTML is a template, the script asks
`/api/ndbg/list?columnId=ndbg&page=N&pageSize=10` (JSON: `data.total`, `data.list[]` of
title/url/publishTime/source). Quirks kept: a page past the end is an empty list (HTTP 200),
pageSize is capped at 20, and the entries' URLs are site-absolute paths."""

from __future__ import annotations

import html
import json
import math
from datetime import date

from ..pages import Page
from ..world import Site, World
from .common import EPOCH, frame, mirror_box, modified, topic_box

API = "/api/ndbg/list"
SIZE = 10


def entry_path(site: Site) -> str:
    return "/zwgk/ndbg/index.html"


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    if path == entry_path(site):
        body = f"""<div class="lm-title">政府信息公开年报</div><ul class="list" id="ndbg-list"></ul>
<div class="pager" id="ndbg-pager"></div>
<script type="text/template" id="ndbg-tpl"><li><a href="{{{{url}}}}" target="_blank">{{{{title}}}}</a><span>{{{{publishTime}}}}</span></li></script>
<script>
$(function () {{
  $.ajax({{url: "{API}", type: "get", dataType: "json", data: {{columnId: "ndbg", page: 1, pageSize: {SIZE}}},
    success: function (r) {{ renderList("#ndbg-list", "#ndbg-tpl", r.data.list); renderPager(r.data.total); }}}});
}});
</script>{topic_box(world, site, today)}{mirror_box(world, site, today, mirror)}"""
        return frame(site, "政府信息公开年报", body, EPOCH)
    if path != API:
        return None
    docs = world.listing(site.index, today)
    try:
        page, size = max(1, int(query.get("page", "1"))), min(20, max(1, int(query.get("pageSize", SIZE))))
    except ValueError:
        return Page(400, b'{"code": 400, "msg": "bad paging"}', "application/json; charset=utf-8")
    chunk = docs[(page - 1) * size: page * size]
    data = {"code": 0, "msg": "success", "data": {
        "total": len(docs), "pageNo": page, "pageSize": size, "pages": math.ceil(len(docs) / size),
        "list": [{"id": d.key, "title": d.title, "url": d.path, "source": html.escape(site.name),
                  "publishTime": f"{d.published:%Y-%m-%d %H:%M:%S}"} for d in chunk]}}
    return Page(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                "application/json; charset=utf-8", modified(chunk, today))
