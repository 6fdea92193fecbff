"""Guangdong's gkmlpt disclosure platform: `/gkmlpt/annualreport` is a Vue shell whose markup
holds no list, only `window._CONFIG = {SID: '…', TREE: [...]}`; the list comes from
`/gkmlpt/api/all/<column>?page=N&sid=<SID>` (JSON: `classify`, `total`, `offset`, `articles`).

Quirks kept (from public scrapers' notes on the real platform): page=0 and page=1 are the same
page; a page past the last answers 404; a wrong `sid` answers 404; `classify.post_count` is
larger than `total` (paging by it asks for pages that 404); the tree also has columns that are
not the 年报 one and a 年报专题 node that only jumps elsewhere (`jump_url`). Real pages hold 100
articles; this one holds PER_PAGE so that a demo column has several.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from datetime import date, timedelta, timezone

from ..pages import Page, not_found
from ..world import Doc, Site, World
from .common import EPOCH, frame, mirror_box, modified, topic_box

ENTRY = "/gkmlpt/annualreport"
API = "/gkmlpt/api/all/"
PER_PAGE = 10
_BEIJING = timezone(timedelta(hours=8))


def sid(site: Site) -> str:
    return f"{440000 + site.index * 17}"


def report_column(site: Site) -> int:
    return 2600 + site.index


def entry_path(site: Site) -> str:
    """Odd sites are registered with their column as the fragment (`#2601`), even ones without:
    the adapter then finds the 年报 column in the tree."""
    return ENTRY + (f"#{report_column(site)}" if site.index % 2 else "")


def _tree(site: Site) -> list[dict]:
    col = report_column(site)
    return [
        {"id": 1, "name": "政策文件", "parent": 0, "post_count": 12, "jump_url": "",
         "children": [{"id": 11, "name": "规范性文件", "parent": 1, "post_count": 12, "jump_url": ""}]},
        {"id": 5, "name": "年报专题", "parent": 0, "post_count": 0,
         "jump_url": "/zwgk/ztzl/ndbg/index.html", "children": []},
        {"id": col, "name": "政府信息公开年报", "parent": 0, "post_count": 0, "jump_url": "", "children": []},
    ]


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    if path == ENTRY:
        config = json.dumps(_tree(site), ensure_ascii=False)
        body = f"""<div id="app"></div>
<script>window._CONFIG = {{
  SID: '{sid(site)}', SITE_NAME: '{html.escape(site.name)}', APP_URL: '',
  TREE: {config}, SERVICE_AREA_ID: 0
}};</script>
<script src="/gkmlpt/gkml/pc/js/chunk-vendors.js"></script><script src="/gkmlpt/gkml/pc/js/app.js"></script>
{topic_box(world, site, today)}{mirror_box(world, site, today, mirror)}"""
        return frame(site, "政府信息公开年报", body, EPOCH)
    if not path.startswith(API):
        return None
    column = path[len(API):]
    if column != str(report_column(site)) or query.get("sid") != sid(site):
        return not_found()
    docs = world.listing(site.index, today)
    try:
        page = max(1, int(query.get("page", "1")))  # page 0 is page 1
    except ValueError:
        return not_found()
    if page > max(1, math.ceil(len(docs) / PER_PAGE)):
        return not_found()
    chunk = docs[(page - 1) * PER_PAGE: page * PER_PAGE]
    data = {"classify": {"id": report_column(site), "name": "政府信息公开年报", "parent": 0,
                         "post_count": len(docs) + 7},
            "total": len(docs), "offset": (page - 1) * PER_PAGE,
            "articles": [_article(site, d) for d in chunk]}
    return Page(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                "application/json; charset=utf-8", modified(chunk, today))


def article_id(d: Doc) -> int:
    return 3_000_000 + int(hashlib.sha1(d.key.encode()).hexdigest()[:6], 16)


def _article(site: Site, d: Doc) -> dict:
    ts = int(d.published.replace(tzinfo=_BEIJING).timestamp())
    return {"id": article_id(d), "title": d.title, "url": d.path, "type": "normal",
            "publisher": site.name, "date": ts, "create_time": ts,
            "classify_main": report_column(site), "classify_main_name": "政府信息公开年报"}
