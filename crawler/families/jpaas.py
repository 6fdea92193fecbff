"""开普云 jpaas columns: the list is built by one "unit" of the page, asked from
`/api-gateway/jpaas-publish-server/front/page/build/unit` with the unit's parameters
(parseType, webId, tplSetId, pageType, tagId, editType, pageId) and the page inside a JSON
parameter: `paramJson={"pageNo":2,"pageSize":"15"}` (compact, pageSize a string, as public
scrapers send it). The answer is the list already rendered: `{"success": true, "data":
{"html": "<li><a href=…>…</a><span>date</span></li>…"}}`, no count: pages are asked while
they come back full. The column page names the unit in a script tag:
`<script url="/api-gateway/…/build/unit" queryData="{'parseType':'bulidstatic','pageId':'…'}">`.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = "20"  # asked when the page names none (the answer's length is what counts)
_TAG = re.compile(r"<script\b[^>]*\burl=[\"']([^\"']*/front/page/build/unit[^\"']*)[\"'][^>]*>", re.I)
_QUERY_DATA = re.compile(r"\bquerydata=(\"[^\"]*\"|'[^']*')", re.I)


def endpoint(text: str) -> tuple[str, dict[str, str]] | None:
    """(unit URL, its parameters with a paramJson for page 1) from a column page."""
    m = _TAG.search(text)
    if not m:
        return None
    params = _query_data(m[0])
    if params is None:
        return None
    inner = as_json_object(params.get("paramJson", "")) or {}
    inner.setdefault("pageNo", 1)
    inner.setdefault("pageSize", PAGE_SIZE)
    params["paramJson"] = compact(inner)
    return m[1], params


def _query_data(tag: str) -> dict[str, str] | None:
    q = _QUERY_DATA.search(tag)
    if not q:
        return {}
    raw = q[1][1:-1].replace("&quot;", '"').replace("&#39;", "'")
    try:  # the attribute is a JS object literal with single quotes
        value = json.loads(raw.replace("'", '"'))
    except ValueError:
        return None
    return {str(k): v if isinstance(v, str) else compact(v) for k, v in value.items()} \
        if isinstance(value, dict) else None


def as_json_object(value: str) -> dict[str, Any] | None:
    if not value.lstrip().startswith("{"):
        return None
    try:
        obj = json.loads(value)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
