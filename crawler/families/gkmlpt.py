"""Guangdong's 政府信息公开目录管理平台 (`gkmlpt`), used by nearly every county, township and
department site in 广东: `/<site>/gkmlpt/index`, `/gkmlpt/annualreport#<column>`, documents at
`/gkmlpt/content/<id÷10⁶>/<id÷10³>/post_<id>.html`.

The page is a Vue shell: its markup holds no list, only `window._CONFIG = {SID: '755041', …,
TREE: [{id, name, post_count, jump_url, children}…], …}`; the bundle asks
`<prefix>/gkmlpt/api/all/<column>?page=N&sid=<SID>` and renders the answer:
`{"classify": {id, name, post_count}, "total": …, "offset": …, "articles": [{id, title, url,
post_url, type, publisher, date, create_time, identifier…}]}`. Quirks (public scrapers' notes):
100 articles per API page, page=0 and page=1 are the same page, `total` can be below the
column's `post_count` (page by `total`), some sites answer 404 past page 1, URLs can be
protocol-relative, and `type: "url"` entries point at another site.

The column is the URL's fragment (`…/gkmlpt/annualreport#2629`: the fragment is never sent, so
it is read from the registry's entry URL) or, without one, every column of the tree named 年报 /
年度报告.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..discover import Link, is_report_title
from .base import MAX_PAGES, ListRequest, ListResult

NAME = "gkmlpt"
PAGE_SIZE = 100  # the platform's; the size of page 1's answer is used when it differs
_SID = re.compile(r"\bSID\s*:\s*['\"]?(\d+)")
_TREE = re.compile(r"\bTREE\s*:\s*(?=\[)")
_REPORT_COLUMN = re.compile(r"年报|年度报告")
_BEIJING = timezone(timedelta(hours=8))


def detect(text: str, url: str) -> bool:
    return "_CONFIG" in text and _SID.search(text) is not None and "gkmlpt" in url + text[:20000]


def read(text: str, req: ListRequest, entry_url: str) -> ListResult:
    if req.family is None:
        return _plan(text, req, entry_url)
    return _answer(text, req)


# --- the platform page: SID and column(s) -> page 1 of each column ---------------------------------

def tree(text: str) -> list[dict[str, Any]] | None:
    """`_CONFIG.TREE` (a JSON array inside the script), or None when absent or unreadable."""
    m = _TREE.search(text)
    if not m:
        return None
    try:
        value, _end = json.JSONDecoder().raw_decode(text, m.end())
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def report_columns(nodes: list[Any]) -> list[int]:
    """Ids of the tree's 年报 columns (not those that only jump to another page)."""
    out: list[int] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        name, ident = str(node.get("name") or ""), node.get("id")
        if _REPORT_COLUMN.search(name) and not node.get("jump_url") and isinstance(ident, int):
            out.append(ident)
        out += report_columns(node.get("children") or [])
    return list(dict.fromkeys(out))


def _fragment_column(*urls: str) -> int | None:
    for url in urls:
        m = re.fullmatch(r"(\d+)", urlsplit(url).fragment)
        if m:
            return int(m[1])
    return None


def api_url(page_url: str, column: int, sid: str, page: int) -> str:
    path = urlsplit(page_url).path
    prefix = path.split("/gkmlpt/", 1)[0] if "/gkmlpt/" in path else ""
    return urljoin(page_url, f"{prefix}/gkmlpt/api/all/{column}?page={page}&sid={sid}")


def _plan(text: str, req: ListRequest, entry_url: str) -> ListResult:
    m = _SID.search(text)
    if not m:
        return ListResult(NAME, error="gkmlpt 页面没有 SID / gkmlpt page names no SID")
    sid = m[1]
    column = _fragment_column(req.url, entry_url)
    columns = [column] if column is not None else report_columns(tree(text) or [])
    if not columns:
        return ListResult(NAME, error="gkmlpt 栏目树中没有年报栏目，请在入口网址后加 #栏目号 / "
                                      "no 年报 column in the gkmlpt tree: give it as #<column> in entry_url")
    base = req.url.split("#", 1)[0]
    return ListResult(NAME, requests=[
        ListRequest(api_url(base, col, sid, 1), family=NAME, page=1,
                    hint=(("column", str(col)), ("sid", sid), ("page_url", base))) for col in columns])


# --- an API answer: its articles, and from page 1 the other pages ----------------------------------

def _answer(text: str, req: ListRequest) -> ListResult:
    try:
        data = json.loads(text)
    except ValueError:
        return ListResult(NAME, error=f"gkmlpt 接口答复不是 JSON / answer is not JSON: {text[:60]!r}")
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        return ListResult(NAME, error="gkmlpt 接口答复没有 articles 列表 / answer holds no article list")
    links = [link for a in articles if isinstance(a, dict) and (link := _link(a, req.url))]
    result = ListResult(NAME, [link for link in links if is_report_title(link.text)])
    page = req.page or 1
    first_id = str(articles[0].get("id")) if articles and isinstance(articles[0], dict) else ""
    if page == 1:
        result.requests = _more(data, len(articles), first_id, req)
    else:
        result.error = _out_of_step(data, page, first_id, req)
    return result


def _link(article: dict[str, Any], base: str) -> Link | None:
    title = article.get("title")
    href = next((article[k] for k in ("url", "post_url") if isinstance(article.get(k), str)
                 and article[k].strip()), None)
    if not isinstance(title, str) or not title.strip() or href is None:
        return None
    href = href.strip()
    if href.startswith("//"):  # protocol-relative: the scheme of the answer
        href = f"{urlsplit(base).scheme}:{href}"
    shown = next((_day(article[k]) for k in ("create_time", "date", "created_at") if article.get(k)), "")
    publisher = article.get("publisher") if isinstance(article.get("publisher"), str) else ""
    title = re.sub(r"<[^>]+>", "", title).strip()
    return Link(urljoin(base, href), title, " ".join(x for x in (title, shown, publisher) if x))


def _day(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        try:
            return f"{datetime.fromtimestamp(value, _BEIJING):%Y-%m-%d}"
        except (OverflowError, OSError, ValueError):
            return ""
    return str(value)[:19] if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | str) and not isinstance(value, bool) \
        and str(value).isdigit() else None


def _more(data: dict[str, Any], size: int, first_id: str, req: ListRequest) -> list[ListRequest]:
    total = _int(data.get("total"))
    if total is None or size <= 0 or total <= size:
        return []
    pages = min(math.ceil(total / size), MAX_PAGES)
    hint = dict(req.hint)
    out = []
    for n in range(2, pages + 1):
        url = api_url(hint.get("page_url", req.url), int(hint.get("column", "0")), hint.get("sid", ""), n) \
            if hint.get("column") else re.sub(r"([?&]page=)\d+", rf"\g<1>{n}", req.url)
        out.append(ListRequest(url, family=NAME, page=n, records=((n - 1) * size + 1, min(n * size, total)),
                               hint=(*req.hint, ("size", str(size)), ("first_id", first_id))))
    return out


def _out_of_step(data: dict[str, Any], page: int, first_id: str, req: ListRequest) -> str | None:
    """A later page that is page 1 again (a server ignoring `page`): said, so the list is not
    taken as read to its end."""
    size = _int(req.hinted("size")) or PAGE_SIZE
    offset = _int(data.get("offset"))
    if offset is not None and offset != (page - 1) * size:
        return f"gkmlpt 第 {page} 页答复的 offset={offset}，应为 {(page - 1) * size} / page {page} is out of step"
    if first_id and first_id == req.hinted("first_id"):
        return f"gkmlpt 第 {page} 页与第 1 页相同 / page {page} repeats page 1 (page number ignored)"
    return None
