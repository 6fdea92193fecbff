"""A 开普云 jpaas column: the page names its list unit in a script tag
(`<script url="/api-gateway/jpaas-publish-server/front/page/build/unit" queryData="{…}">`);
the unit answers the list rendered as HTML inside JSON (`{"success": true, "data": {"html":
"<li>…</li>"}}`), the page number inside the `paramJson` parameter
(`paramJson={"pageNo":2,"pageSize":"20"}`).

Quirks kept: no count anywhere (pages are asked until one comes back short or empty); a page
past the end is an empty `html`, HTTP 200; without paramJson the unit answers page 1 of 15;
pageSize is capped at 20; a paramJson that is not JSON, or another column's pageId, is
`{"success": false}` with HTTP 200.
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime

from ..pages import Page
from ..world import Doc, Site, World
from .common import EPOCH, frame, mirror_box, modified, topic_box

UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DEFAULT_SIZE, MAX_SIZE = 15, 20
WEB_ID = "3549"


def column_id(site: Site) -> int:
    return 1229500000 + site.index


def entry_path(site: Site) -> str:
    return f"/col/col{column_id(site)}/index.html"


def render(world: World, site: Site, path: str, query: dict[str, str], today: date,
           mirror: str | None) -> Page | None:
    if path == entry_path(site):
        data = (f"{{'parseType':'bulidstatic','webId':'{WEB_ID}','tplSetId':'zfHuDn7pjzPV0dB1wLhu9',"
                f"'pageType':'column','tagId':'信息列表','editType':'null','pageId':'{column_id(site)}'}}")
        body = f"""<div class="lm-title">政府信息公开年报</div><div class="list-unit">
<script url="{UNIT}" queryData="{data}" type="text/javascript" src="/module/jpaas/unit.js"></script></div>
{topic_box(world, site, today)}{mirror_box(world, site, today, mirror)}"""
        return frame(site, "政府信息公开年报", body, EPOCH)
    if path != UNIT:
        return None
    if query.get("pageId") != str(column_id(site)) or query.get("webId") != WEB_ID:
        return _answer({"success": False, "message": "页面不存在", "data": None})
    try:
        asked = json.loads(query["paramJson"]) if "paramJson" in query else {}
        page = max(1, int(asked.get("pageNo", 1)))
        size = min(MAX_SIZE, max(1, int(asked.get("pageSize", DEFAULT_SIZE))))
    except (ValueError, TypeError, AttributeError):
        return _answer({"success": False, "message": "paramJson 格式错误", "data": None})
    docs = world.listing(site.index, today)
    chunk = docs[(page - 1) * size: page * size]
    return _answer({"success": True, "message": "操作成功",
                    "data": {"html": "".join(_item(d) for d in chunk)}}, modified(chunk, today))


def _item(d: Doc) -> str:
    title = html.escape(d.title, quote=True)
    return (f'<li><a href="{d.path}" title="{title}" target="_blank">{title}</a>'
            f"<span>{d.published:%Y-%m-%d}</span></li>")


def _answer(data: dict, when: datetime = EPOCH) -> Page:
    return Page(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                "application/json; charset=utf-8", when)
