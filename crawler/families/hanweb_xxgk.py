"""大汉 Hanweb's 政府信息公开目录 module (`/module/xxgk/`): the column page holds no list, only
a script call that loads it into a div,

    loadDynamic('/module/xxgk/search.jsp?standardXxgk=1&infotypeId='+a+'&vc_title='+encodeURI(b)
                +'&vc_number='+encodeURI(c)+'&area=11220100MB1507524C', 'div4', '0','0','950','1','','');

whose arguments are (url, divid, cid, mid, uid, webid, strMethod, area) in the module's
`dynamic.js`. That script POSTs to the URL (its query kept) the form `infotypeId=<cid>
&jdid=<webid>[&area=<area>, when the URL names none]&divid=<divid>&vc_title=&vc_number=
&currpage=&vc_filenumber=&vc_all=&texttype=&fbtime=` followed by the URL's own query again
(sent here once: a servlet reads the URL's value of a repeated name first).
The answer is an HTML fragment: rows `<tr class="tr_main_value_odd|even">` (索引号 / 标题 /
发布机构 / 生成日期; the link's `title`/`mc` attributes hold the whole title, its text may be
cut), a pager table `table.tb_title` ("共N条记录 … 第1页/共M页", `funGoPage('/module/xxgk/
search.jsp', N)`). Other pages: the same POST with `currpage=N` (as public scrapers do).

Quirks handled: string pieces of the URL joined around the script's variables (which count as
empty); an `infotypeId` in the entry URL's query replaces the call's `cid` (dynamic.js reads
the page address the same way; here any value, so a registry row can pick a sub-column); a
page past the first whose first row is page 1's (a server ignoring `currpage`) and an answer
that is no directory fragment (a WAF notice, a login page) are recorded errors.
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..discover import Link, _text, _tree, is_report_title
from .base import MAX_PAGES, ListRequest, ListResult

NAME = "hanweb_xxgk"
_CALL = re.compile(r"\bloadDynamic\s*\(", re.I)
_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页|第\s*\d+\s*页\s*/\s*(\d+)|第\s*\d+\s*/\s*(\d+)\s*页")
_TOTAL_ROWS = re.compile(r"共\s*(\d+)\s*条")
_ANSWER_MARK = re.compile(r"tr_main_value|tb_title|funGoPage|共\s*\d+\s*(条|页)", re.I)


def detect(text: str, url: str) -> bool:
    return call(text) is not None


# --- the column page: the loadDynamic call -> the first POST ---------------------------------------

def _args(text: str, start: int) -> list[str] | None:
    """The top-level arguments of a JS call whose '(' ends at `start` (quotes and parentheses
    respected), or None when the call is not closed."""
    args, depth, quote, cur, i = [], 0, "", "", start
    while i < len(text):
        ch = text[i]
        if quote:
            cur += ch
            if ch == "\\" and i + 1 < len(text):
                cur += text[i + 1]
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote, cur = ch, cur + ch
        elif ch == "(":
            depth, cur = depth + 1, cur + ch
        elif ch == ")":
            if depth == 0:
                args.append(cur.strip())
                return args
            depth, cur = depth - 1, cur + ch
        elif ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    return None


def _value(expr: str) -> str:
    """A JS argument's string value: its literals joined, anything else (a variable,
    encodeURI(b)) empty, as it is on a page opened without a query."""
    if re.fullmatch(r"\d+", expr.strip()):
        return expr.strip()
    out = [m[1] if m[1] is not None else m[2]
           for m in re.finditer(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", expr)]
    return "".join(re.sub(r"\\(.)", r"\1", lit) for lit in out)


def call(text: str) -> tuple[str, dict[str, str]] | None:
    """(search URL, the call's named arguments) of the first loadDynamic call that loads
    `xxgk/search.jsp`; None when the page has none."""
    raw = html.unescape(text) if "&#39;" in text or "&quot;" in text else text
    for m in _CALL.finditer(raw):
        args = _args(raw, m.end())
        if not args or len(args) < 2:
            continue
        url = _value(args[0])
        if "xxgk/search.jsp" not in url and "xxgk/subjectinfo.jsp" not in url:
            continue
        names = ("divid", "cid", "mid", "uid", "webid", "strMethod", "area")
        return url, {n: _value(a) for n, a in zip(names, args[1:], strict=False)}
    return None


def first_request(text: str, page_url: str, entry_url: str) -> ListRequest | None:
    found = call(text)
    if found is None:
        return None
    raw_url, a = found
    url = urljoin(page_url, raw_url.strip())
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    q = dict(query)
    cid = a.get("cid", "")
    asked = dict(parse_qsl(urlsplit(entry_url).query)).get("infotypeId") or \
        dict(parse_qsl(urlsplit(page_url).query)).get("infotypeId")
    if asked:
        cid = asked
        query = [(k, asked if k == "infotypeId" else v) for k, v in query]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    elif q.get("infotypeId"):  # named in the URL: the same in the form, whichever the server reads
        cid = q["infotypeId"]
    form: list[tuple[str, str]] = [("infotypeId", cid), ("jdid", a.get("webid", ""))]
    if "area" not in parts.query:
        form.append(("area", a.get("area", "")))
    form += [("divid", a.get("divid", "")), ("vc_title", q.get("vc_title", "")),
             ("vc_number", q.get("vc_number", "")), ("currpage", ""), ("vc_filenumber", ""),
             ("vc_all", ""), ("texttype", ""), ("fbtime", "")]
    named = {k for k, _v in form}
    form += [(k, v) for k, v in query if k not in named]  # dynamic.js repeats the URL's query
    return ListRequest(url, "POST", tuple(form), NAME, page=1, hint=(("page_url", page_url),))


# --- an answer: rows, the page count, later pages ---------------------------------------------------

def rows(text: str, base: str) -> list[Link]:
    """Every link of the fragment (its rows: 标题 with the whole title from `title`/`mc`), with
    its row's text (索引号, 发布机构, 生成日期) as context."""
    out: dict[str, Link] = {}
    for a in _tree(text).iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        shown = _text(a)  # often cut: "…年度报…"; the attributes first when as long
        label = max((" ".join((a.get("mc") or "").split()), " ".join((a.get("title") or "").split()),
                     shown.rstrip("…").rstrip(".")), key=len)
        row = next((el for el in a.iterancestors("tr", "li")), a.getparent())
        url = urljoin(base, href).split("#", 1)[0]
        out.setdefault(url, Link(url, label, _text(row)[:300] if row is not None else label))
    return list(out.values())


def pages(text: str, size: int) -> int | None:
    doc = _tree(text)
    pager = " ".join(_text(t) for t in doc.iter("table", "div") if "tb_title" in (t.get("class") or ""))
    for where in (pager, _text(doc)):
        m = _TOTAL_PAGES.search(where)
        if m:
            return int(next(g for g in m.groups() if g))
        n = _TOTAL_ROWS.search(where)
        if n and size:
            return max(1, math.ceil(int(n[1]) / size))
    return None


def read(text: str, req: ListRequest, entry_url: str) -> ListResult:
    if req.family is None:  # the column page: ask for the list the call would load
        asked = first_request(text, req.url, entry_url)
        if asked is None:
            return ListResult(NAME, error="页面里没有 loadDynamic(…xxgk/search.jsp…) 调用 / "
                                          "no loadDynamic call of xxgk/search.jsp in the page")
        return ListResult(NAME, requests=[asked])
    links = rows(text, req.url)
    reports = [link for link in links if is_report_title(link.text)]
    if not links and not _ANSWER_MARK.search(text):
        return ListResult(NAME, error=f"答复不是信息公开目录列表 / answer is not a directory list: "
                                      f"{_text(_tree(text))[:60]!r}")
    page = req.page or 1
    first = links[0].url if links else ""
    if page > 1:
        if first and first == req.hinted("first"):
            return ListResult(NAME, reports, error=f"第 {page} 页与第 1 页相同 / page {page} repeats "
                                                   "page 1 (currpage is ignored)")
        return ListResult(NAME, reports)
    total = pages(text, len(links)) or 1
    size = len(links)
    hint = (*req.hint, ("first", first))
    more = [ListRequest(req.url, "POST", tuple((k, str(n) if k == "currpage" else v) for k, v in req.form),
                        NAME, page=n, records=((n - 1) * size + 1, n * size) if size else None, hint=hint)
            for n in range(2, min(total, MAX_PAGES) + 1)]
    return ListResult(NAME, reports, more)
