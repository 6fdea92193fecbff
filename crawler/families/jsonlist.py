"""Lists rendered in the browser from a JSON endpoint: the HTML holds only a template, the
page's script names the endpoint and its paging parameters, e.g.

    $.ajax({url: "/api/ndbg/list", data: {columnId: "ndbg", page: 1, pageSize: 15}, …})
    var listApi = "/api/ndbg/list.json?pageNo=1&pageSize=15";

The answer (JSON, or JSONP `cb({...})`) holds a list of records; each record's title and link
are found by their key names (title/name/docTitle…, url/link/href…) or their look (a string
ending in .html/.pdf…), the total by `total`/`totalCount`/`totalPage`/`pages`… Some platforms
answer the list already rendered, as HTML inside the JSON (开普云 jpaas `page/build/unit`:
`{"success": true, "data": {"html": "<li><a href=…>…</a></li>…"}}`): its links are read too.

A page number may sit inside a parameter that is itself JSON (jpaas `paramJson={"pageNo":1,
"pageSize":"15"}`): its key is then written `paramJson.pageNo` and the JSON is rewritten,
compact, for each page. An answer that is not JSON, or a page that repeats the one before (a
server ignoring the page number), is a recorded error, not the end of the list.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..discover import Link, _anchors, _text, _tree, is_report_title
from . import jpaas
from .base import MAX_PAGES, ListRequest, ListResult

NAME = "jsonlist"
PAGE_KEYS = ("page", "pageNo", "pageNum", "pageIndex", "currentPage", "curPage", "pageNumber", "p")
SIZE_KEYS = ("pageSize", "size", "rows", "limit", "perPage", "pagesize", "perpage", "psize")
_TITLE_KEYS = ("title", "name", "doctitle", "docTitle", "vc_title", "articleTitle", "subject", "bt")
_URL_KEYS = ("url", "link", "href", "docUrl", "docurl", "pageUrl", "articleUrl", "path", "fileUrl")
_DATE_KEYS = ("publishTime", "pubDate", "publishDate", "releaseTime", "date", "time", "createTime",
              "docPubTime", "fbrq", "scrq")
_TOTAL_KEYS = ("total", "totalCount", "totalRecord", "recordCount", "totalElements", "count", "totalNum")
_PAGES_KEYS = ("totalPage", "totalPages", "pageCount", "pages", "pagecount")
_URL_LIKE = re.compile(r"(\.s?html?|\.pdf|\.docx?|\.wps|\.ofd|\.jsp)(\?|$)|^/|^https?://", re.I)
_AJAX = re.compile(r"""(?:url|api|listApi|dataUrl|listUrl|apiUrl)\s*[:=]\s*["']([^"']+)["']""")


def _endpoint(text: str) -> tuple[str, dict[str, str], str, str] | None:
    """(endpoint, its parameters, page key, size key) from the page's script."""
    for m in _AJAX.finditer(text):
        raw = m[1]
        if raw.startswith(("javascript:", "#")) or raw.endswith((".js", ".css")):
            continue
        params = dict(parse_qsl(urlsplit(raw).query))
        tail = text[m.end(): m.end() + 600]
        data = re.search(r"data\s*:\s*\{([^{}]*)\}", tail)
        if data:
            for k, v in re.findall(r"""["']?(\w+)["']?\s*:\s*["']?([^"',}\s]*)["']?""", data[1]):
                params.setdefault(k, v)
        page_key, size_key = _key(params, PAGE_KEYS), _key(params, SIZE_KEYS)
        if page_key and size_key:
            return raw.split("?", 1)[0], params, page_key, size_key
    unit = jpaas.endpoint(text)
    if unit is not None:
        return unit[0], unit[1], "paramJson.pageNo", "paramJson.pageSize"
    return None


def _key(params: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The parameter holding the page (or size): a plain one, or `outer.inner` inside a
    parameter whose value is a JSON object."""
    found = next((k for k in names if k in params), None)
    if found:
        return found
    for outer, value in params.items():
        inner = jpaas.as_json_object(value)
        if inner and (k := next((k for k in names if k in inner), None)):
            return f"{outer}.{k}"
    return None


def _get(params: dict[str, str], key: str) -> str:
    if "." in key:
        outer, inner = key.split(".", 1)
        value = (jpaas.as_json_object(params.get(outer, "")) or {}).get(inner, "")
        return str(value)
    return params.get(key, "")


def _set(params: dict[str, str], key: str, n: int) -> dict[str, str]:
    if "." in key:
        outer, inner = key.split(".", 1)
        obj = jpaas.as_json_object(params.get(outer, "")) or {}
        was = obj.get(inner)
        obj[inner] = str(n) if isinstance(was, str) else n  # keep the site's type
        return {**params, outer: jpaas.compact(obj)}
    return {**params, key: str(n)}


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def detect(text: str, url: str) -> bool:
    return _endpoint(text) is not None


def _with_page(endpoint: str, params: dict[str, str], page_key: str, n: int) -> str:
    parts = urlsplit(endpoint)
    query = urlencode(_set(params, page_key, n))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _request(endpoint: str, params: dict[str, str], page_key: str, size_key: str, n: int,
             first: str = "") -> ListRequest:
    size = _int(_get(params, size_key))
    records = ((n - 1) * size + 1, n * size) if size else None
    hint = (("params", urlencode(params)), ("page_key", page_key), ("size_key", size_key),
            ("endpoint", endpoint), ("first", first))
    return ListRequest(_with_page(endpoint, params, page_key, n), family=NAME, page=n,
                       records=records, hint=hint)


def read(text: str, req: ListRequest, entry_url: str) -> ListResult:
    if req.family is None:  # the page with the template: ask the endpoint for page 1
        found = _endpoint(text)
        if found is None:
            return ListResult(NAME)
        raw, params, page_key, size_key = found
        first = _int(_get(params, page_key)) or 1
        params = _set(params, page_key, first)
        return ListResult(NAME, [], [_request(urljoin(req.url, raw), params, page_key, size_key, first)])
    data = _json(text)
    if data is None:
        return ListResult(NAME, error=f"JSON 端点答复不是 JSON / answer is not JSON: {text.strip()[:60]!r}")
    items = list(_records(data))
    links = [link for rec in items if (link := _link(rec, req.url)) is not None]
    rendered = html_links(data, req.url)
    every = links + rendered
    reports = list({link.url: link for link in every if is_report_title(link.text)}.values())
    if every and every[0].url == req.hinted("first"):  # the page before, again
        return ListResult(NAME, reports, error=f"第 {req.page} 页与前一页相同 / page {req.page} repeats "
                                               "an earlier page (the page number is ignored)")
    return ListResult(NAME, reports, _more(data, items or rendered, every[0].url if every else "", req))


def html_links(data: Any, base: str) -> list[Link]:
    """Links of the HTML fragments inside a JSON answer (a list rendered on the server), with
    their list item's text as context."""
    out: list[Link] = []
    for fragment in _strings(data):
        if "<a" not in fragment or "href" not in fragment:
            continue
        for a, href, label in _anchors(_tree(f"<div>{fragment}</div>"), base):
            parent = a.getparent()
            out.append(Link(href, label, _text(parent)[:300] if parent is not None else label))
    return out


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for x in data:
            yield from _strings(x)
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)


def _json(text: str) -> Any:
    text = text.strip()
    m = re.match(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", text, re.S)  # JSONP
    try:
        return json.loads(m[1] if m else text)
    except ValueError:
        return None


def _records(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a list, anywhere in the answer, that looks like a list entry."""
    if isinstance(data, list):
        for x in data:
            if isinstance(x, dict) and _title(x):
                yield x
            else:
                yield from _records(x)
    elif isinstance(data, dict):
        for v in data.values():
            yield from _records(v)


def _title(rec: dict) -> str:
    for k in _TITLE_KEYS:
        if isinstance(rec.get(k), str) and rec[k].strip():
            return re.sub(r"<[^>]+>", "", rec[k]).strip()
    return ""


def _link(rec: dict, base: str) -> Link | None:
    href = next((rec[k] for k in _URL_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None)
    if href is None:
        href = next((v for v in rec.values() if isinstance(v, str) and _URL_LIKE.search(v)
                     and " " not in v), None)
    if not href:
        return None
    date = next((str(rec[k]) for k in _DATE_KEYS if rec.get(k)), "")
    title = _title(rec)
    return Link(urljoin(base, href.strip()), title, f"{title} {date}".strip())


def _find_int(data: Any, keys: tuple[str, ...]) -> int | None:
    if isinstance(data, dict):
        for k in keys:
            v = data.get(k)
            if isinstance(v, int | str) and str(v).isdigit():
                return int(v)
        for v in data.values():
            if isinstance(v, dict):
                found = _find_int(v, keys)
                if found is not None:
                    return found
    return None


def _more(data: Any, items: list, first: str, req: ListRequest) -> list[ListRequest]:
    """Further pages; each carries the first link of the page that planned it, so a server
    that ignores the page number is noticed instead of read again and again."""
    params = dict(parse_qsl(req.hinted("params")))
    page_key, size_key = req.hinted("page_key", "page"), req.hinted("size_key", "pageSize")
    endpoint = req.hinted("endpoint") or req.url.split("?", 1)[0]
    size = _int(_get(params, size_key)) or len(items)
    n = req.page or 1
    pages = _find_int(data, _PAGES_KEYS)
    total = _find_int(data, _TOTAL_KEYS)
    if pages is None and total is not None and size:
        pages = math.ceil(total / size)
    start = _int(_get(params, page_key)) or 1
    if pages is not None:  # known: the first page asks for all the others
        if n != start:
            return []
        last = min(pages, n + MAX_PAGES)
        return [_request(endpoint, params, page_key, size_key, p, first) for p in range(n + 1, last + 1)]
    if items and len(items) >= size and n < start + MAX_PAGES:  # unknown: on while pages are full
        return [_request(endpoint, params, page_key, size_key, n + 1, first)]
    return []
