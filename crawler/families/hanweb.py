"""大汉 Hanweb (jpage) columns: `/col/col<id>/index.html`.

The first records sit in the page inside `<script type="text/xml"><datastore><recordset>
<record><![CDATA[<li><a href=…>…]]></record>`; the jpage script names `totalRecord`, `perPage`,
`groupSize` (pages fetched per request, 3 by default) and the proxy
`/module/web/jpage/dataproxy.jsp`. Further records are asked for as record ranges:
`dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`, the column's parameters (`col=1&appid=1
&webid=…&path=/&columnid=…&unitid=…`) posted as a form. Some sites answer the older
`dataproxy.jsp?page=N&…` GET form instead (`<nextgroup>` link, `<totalpage>` in the answer).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from ..discover import Listing, parse_listing
from .base import ListRequest, ListResult

NAME = "hanweb"
PROXY = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)", re.S | re.I)
_PARAMS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid",
           "webname", "permissiontype")
MAX_RANGES = 200


def detect(text: str, url: str) -> bool:
    return "<datastore" in text.lower() or "jpage/dataproxy.jsp" in text


def _number(text: str, *names: str) -> int | None:
    for name in names:
        m = re.search(rf"\b{name}\s*[:=]\s*['\"]?(\d+)", text, re.I) or \
            re.search(rf"<{name}>\s*(\d+)\s*</{name}>", text, re.I)
        if m:
            return int(m[1])
    return None


def column_params(text: str, url: str) -> dict[str, str]:
    """The parameters jpage posts with every request: from the `<nextgroup>` link when there
    is one, else from the page's script (`columnid:33718`, `unitid:'212860'`, …)."""
    params: dict[str, str] = {}
    m = _NEXTGROUP.search(text)
    if m:
        params.update((k, v) for k, v in parse_qsl(urlsplit(m[1].replace("&amp;", "&")).query)
                      if k in _PARAMS)
    for name in _PARAMS:
        if name not in params:
            m2 = re.search(rf"\b{name}\s*[:=]\s*['\"]?([^'\",;}}&\s]+)", text)
            if m2:
                params[name] = m2[1]
    if "columnid" not in params and (m3 := re.search(r"/col/col(\d+)/", url)):
        params["columnid"] = m3[1]
    if "unitid" not in params and (m4 := re.search(r"<div\s+id=[\"'](\d+)[\"'][^>]*>\s*<script[^>]+text/xml", text)):
        params["unitid"] = m4[1]
    params.setdefault("col", "1")
    params.setdefault("appid", "1")
    params.setdefault("path", "/")
    return params


def _records_listing(text: str, url: str, entry_url: str) -> tuple[Listing, int]:
    snippets = _RECORD.findall(text)
    return parse_listing("<ul>" + "\n".join(snippets) + "</ul>", url, entry_url), len(snippets)


def read(text: str, req: ListRequest, entry_url: str) -> ListResult:
    listing, count = _records_listing(text, req.url, entry_url)
    result = ListResult(NAME, listing.reports)
    if req.family is None:  # the column page itself: plan the rest of the column
        result.requests = plan(text, req.url, count)
    elif req.hinted("mode") == "page" and req.page == 1:
        pages = _number(text, "totalpage") or 1
        result.requests = [_page_request(req.url, n) for n in range(2, min(pages, MAX_RANGES) + 1)]
    return result


def plan(text: str, url: str, inline: int) -> list[ListRequest]:
    total = _number(text, "totalRecord", "totalrecord")
    per = _number(text, "perPage", "perpage") or 15
    group = _number(text, "groupSize", "groupsize") or 3
    m = re.search(r"proxyUrl\s*[:=]\s*['\"]([^'\"]+)", text)
    proxy = urljoin(url, m[1] if m else PROXY)
    if total is None:
        nxt = _NEXTGROUP.search(text)
        if nxt and "startrecord" not in nxt[1]:  # the page=N variant: ask page 1 for the count
            return [_page_request(urljoin(url, nxt[1].replace("&amp;", "&")), 1)]
        return []
    form = tuple(sorted(column_params(text, url).items()))
    step, out = per * group, []
    for start in range(inline + 1, total + 1, step):
        end = min(start + step - 1, total)
        out.append(ListRequest(f"{proxy}?startrecord={start}&endrecord={end}&perpage={per}",
                               "POST", form, NAME, page=(start - 1) // per + 1, records=(start, end)))
        if len(out) >= MAX_RANGES:
            break
    return out


def _page_request(url: str, n: int) -> ListRequest:
    url = re.sub(r"([?&]page=)\d+", rf"\g<1>{n}", url) if re.search(r"[?&]page=\d+", url) \
        else url + ("&" if "?" in url else "?") + f"page={n}"
    return ListRequest(url, family=NAME, page=n, hint=(("mode", "page"),))
