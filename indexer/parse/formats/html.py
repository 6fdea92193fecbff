"""HTML pages → blocks: decode, find the article body among the site chrome, keep tables.

lxml.html is used directly (not through BeautifulSoup) for speed: the indexer reads
hundreds of pages a second on one core.
"""

from __future__ import annotations

import functools
import re
from itertools import compress
from operator import not_
from typing import Any

from lxml import etree

from indexer.parse.blocks import Block, Extracted, Paragraph, Table
from indexer.parse.formats import charset, dates
from indexer.parse.formats.errors import CorruptDocument
from indexer.parse.formats.grid import drop_sliver_columns, expand, span
from indexer.parse.formats.textutil import clean, join

SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
        "select", "option", "button", "input", "textarea", "map", "canvas", "video", "audio"}
CHROME_TAGS = {"nav", "footer", "aside"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
         "section", "article", "blockquote", "pre", "tr", "td", "th", "table", "tbody", "thead",
         "tfoot", "caption", "center", "form", "header", "main", "figure", "figcaption", "hr",
         "address", "fieldset", "body", "html"}
_CHROME_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav\w*|menu\w*|breadcrumbs?|crumbs?|bread|share\w*|bdshare\w*|toolbar|"
    r"top-?bar|footer|foot|bottom|copyright|sidebar|wza\w*|barrier\w*|accessib\w*|elder\w*|"
    r"old-?man|ldbz|search\w*|login|position|location|dqwz|weizhi|related|xgwz|xglj|print\w*|"
    r"guide|fontsize|font-size|zihao)(?:$|[\s_-])", re.I)
_CHROME_TEXT = re.compile(
    r"^(?:当前位置|您现在的位置|您的位置|现在位置)|【?打印(?:本页|此页|文章)?】|关闭(?:本页|窗口)|"
    r"^字号[:：]|^分享到|扫一扫|^无障碍|长者专版|关怀版|^【?(?:大|中|小)\s*(?:中|小)?\s*】?$")
# Every match of _CHROME_TEXT holds one of these words or starts with one of these characters;
# the hint (an alternation of literals) is searched far faster than the pattern itself.
_CHROME_HINT = re.compile("位置|打印|关闭|字号|分享到|扫一扫|无障碍|长者专版|关怀版")
_CHROME_FIRST = ("【", "大", "中", "小")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _chrome_text(text: str) -> bool:
    """Whether a short text is page chrome (_CHROME_TEXT)."""
    if text[:1] in _CHROME_FIRST or _CHROME_HINT.search(text):
        return _CHROME_TEXT.search(text) is not None
    return False


def extract_html(data: bytes) -> Extracted:
    text, _enc = charset.decode(data)
    try:
        root = etree.fromstring(_XML_DECL.sub("", text, count=1), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptDocument(f"HTML 无法解析：{exc}") from exc
    if root is None:
        raise CorruptDocument("HTML 无法解析：没有元素")
    body = root.find("body")
    if body is None:
        body = root
    metas = _metas(root)
    title = _title(root, metas)
    meta = {}
    for name in ("PubDate", "pubdate", "publishdate", "firstpublishedtime"):
        node = metas.get(name)
        if node is not None and node.get("content"):
            meta["PubDate"] = node.get("content").strip()
    _strip_chrome(body)
    sourced = _sourced_blocks(body)  # one walk of the whole page
    lines = _lines([b for b, _ in sourced])
    published = dates.published_from_lines(lines)
    meta = {**dates.meta_from_lines(lines), **meta}
    published = published or dates.published_from_meta(meta)
    container = _article(body)
    inside = _Within(container)
    blocks = [b for b, src in sourced if inside(src) and not _is_meta_table(b)]
    return Extracted(blocks=blocks, format="html", title=title, published=published, meta=meta)


_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


class _Within:
    """Whether elements lie inside `container`. Blocks share ancestors, so each ancestor's
    answer is remembered (the keys keep lxml's proxies alive, so identity holds)."""

    def __init__(self, container: etree._Element) -> None:
        self.known: dict[etree._Element, bool] = {container: True}

    def __call__(self, el: etree._Element | None) -> bool:
        path = []
        while el is not None and el not in self.known:
            path.append(el)
            el = el.getparent()
        answer = el is not None and self.known[el]
        for p in path:
            self.known[p] = answer
        return answer


def _metas(root: etree._Element) -> dict[str, etree._Element]:
    """name → the first <meta name=…> element with it, in document order (one C-level walk
    instead of a `.//meta[@name='…']` search per name)."""
    out: dict[str, etree._Element] = {}
    for node in root.iter("meta"):
        if (name := node.get("name")) is not None:
            out.setdefault(name, node)
    return out


def _text_content(el: etree._Element) -> str:
    return "".join(el.itertext())


# --- title -------------------------------------------------------------------------------

def _title(root: etree._Element, metas: dict[str, etree._Element] | None = None) -> str | None:
    metas = _metas(root) if metas is None else metas
    for name in ("ArticleTitle", "articletitle", "title"):
        node = metas.get(name)
        if node is not None and (t := clean(node.get("content") or "")):
            return t
    heads = [clean(_text_content(h)) for h in root.iter("h1", "h2")]
    for h in heads:
        if "报告" in h or "報告" in h:
            return h
    node = next(root.iterdescendants("title"), None)  # find(".//title") without ElementPath
    if node is not None and (t := clean(_text_content(node))):
        return re.split(r"\s*[_|–—-]{1,2}\s*(?=[^_|–—-]*(?:网|政府|门户|平台)[^_|–—-]*$)", t)[0]
    return heads[0] if heads else None


# --- chrome and the article container ------------------------------------------------------

_CHROME_SKIP = tuple(sorted(CHROME_TAGS | SKIP - {"head"}))
# `.//@class/..` walks the tree once in C; `.//*[@class or @id]` evaluates a predicate per
# element and is five times slower
_CLASSED = etree.XPath(".//@class/.. | .//@id/..")


def _strip_chrome(body: etree._Element) -> None:
    doomed = [el for el in body.iter(*_CHROME_SKIP) if el is not body]  # C-level tag filter
    for el in _CLASSED(body):
        tag = el.tag
        if tag in CHROME_TAGS or tag in SKIP:
            if tag not in _CHROME_SKIP:  # a <head> with a class: not walked by iter()
                doomed.append(el)
            continue
        if _chrome_name(el.get("class", ""), el.get("id", "")) and not _has_table(el):
            doomed.append(el)
    for el in doomed:
        _drop(el)


@functools.lru_cache(maxsize=8192)
def _chrome_name(cls: str, id_: str) -> bool:
    """Whether a class and id name site chrome (the same few names recur on every page)."""
    return _CHROME_NAME.search(f"{cls} {id_}") is not None


def _has_table(el: etree._Element) -> bool:
    """Whether a <table> lies under `el` (`el.find(".//table") is not None`, walked in C)."""
    return next(el.iterdescendants("table"), None) is not None


def _drop(el: etree._Element) -> None:
    """Remove an element, keeping its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


_TEXT = etree.XPath("string(.)")
_LINK_TEXT = etree.XPath(".//a//text()")


def _score(el: etree._Element) -> int:
    """Length of the non-link, non-space text under `el` (text gathered in C by lxml;
    str.split() drops exactly the characters regex \\s matches)."""
    if len(el) == 0:  # no child nodes (the parser drops comments): its text is all, no links
        return _nonws(el.text)
    total = sum(map(len, _TEXT(el).split()))
    if next(el.iterdescendants("a"), None) is None:  # a C-level walk; spares the XPath evaluation
        return total
    links = sum(map(len, "".join(_LINK_TEXT(el)).split()))
    return total - links


_DATA_TABLES = etree.XPath("descendant-or-self::table[count(tr) + count(tbody/tr) >= 3]")


def _data_tables(el: etree._Element) -> list[etree._Element]:
    """Tables of three rows or more under `el` (found in C)."""
    return _DATA_TABLES(el)


def _under(tables: list[etree._Element], el: etree._Element) -> list[etree._Element]:
    """Those of `tables` that lie under `el` (or are it): each one's ancestors, walked in C,
    instead of another search of `el`'s whole subtree. (lxml keeps one proxy per node while
    it is referenced, so identity holds.)"""
    return [t for t in tables if t is el or any(a is el for a in t.iterancestors())]


def _article(body: etree._Element) -> etree._Element:
    """Descend from <body> into the child holding most of the text and all the data tables."""
    node, node_score, node_tables = body, _score(body), _data_tables(body)
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        if not kids:
            return node
        best_score, best = _best_child(node, kids, node_score)
        if best is None or best_score < 0.75 * node_score or best.tag in _LEAVES:
            return node
        best_tables = _under(node_tables, best) if node_tables else []
        if len(best_tables) < len(node_tables):
            return node
        node, node_score, node_tables = best, best_score, best_tables


def _best_child(node: etree._Element, kids: list[etree._Element], node_score: int) -> tuple[int, Any]:
    """The highest-scoring child, or (0, None) when none can reach 3/4 of the parent.
    Without <a> (or non-element) children, the children's scores add up to the parent's
    minus its own text and the tails, so: the one reaching 3/4 is the maximum; once the
    unscored rest cannot reach 3/4 we stop; and the child with the most children (usually
    the big one) gets its score by subtraction instead of another pass over its text."""
    if node_score <= 0 or len(kids) != len(node) or any(k.tag == "a" for k in kids):
        return max(((_score(c), c) for c in kids), key=lambda sc: sc[0])
    need = 0.75 * node_score
    rest = node_score - _nonws(node.text) - sum(_nonws(k.tail) for k in kids)  # Σ kids' scores
    big = max(range(len(kids)), key=lambda i: len(kids[i]))
    for i, k in enumerate(kids):
        if i == big:
            continue
        score = _score(k)
        if score >= need:
            return score, k
        rest -= score
        if rest < need:
            return 0, None
    return (rest, kids[big]) if rest >= need else (0, None)


def _nonws(text: str | None) -> int:
    return sum(map(len, text.split())) if text else 0


_LEAVES = {"p", "table", "h1", "h2", "h3", "span", "font", "strong"}


# --- blocks ------------------------------------------------------------------------------------

class _Walker:
    """Turns an element tree into paragraphs and tables in reading order."""

    def __init__(self) -> None:
        self.blocks: list[tuple[Block, object]] = []  # (block, element it came from)
        self.buf: list[str] = []
        self.src = None

    def flush(self) -> None:
        if not self.buf:
            return
        text = clean("".join(self.buf))
        self.buf.clear()  # in place: walk() holds the list
        if text and not (len(text) < 80 and _chrome_text(text)):
            self.blocks.append((Paragraph(text), self.src))

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP:
            return
        if tag == "table" and not _is_layout(el, rows := _rows(el)):
            self.flush()
            table = _table(el, rows)
            if table.rows:
                self.blocks.append((table, el))
            return
        if tag == "br":
            self.flush()
            return
        block = tag in BLOCK
        buf = self.buf
        if block and buf:
            self.flush()
        if text := el.text:  # added to the paragraph under way (its source: where it starts)
            if not buf:
                self.src = el
            buf.append(text)
        for ch in el:
            self.walk(ch)
            if tail := ch.tail:
                if not buf:
                    self.src = el
                buf.append(tail)
        if block and buf:
            self.flush()


def _sourced_blocks(el: etree._Element) -> list[tuple[Block, object]]:
    w = _Walker()
    w.walk(el)
    w.flush()
    return w.blocks


def _lines(blocks: list[Block]) -> list[str]:
    """All text lines of the page (paragraphs and table cells), for dates and metadata."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
            continue
        for row, marks in zip(b.rows, b.merged, strict=True):
            if len(row) != len(marks):  # never from _table; raises as it always did
                out.extend(t for t, copy in zip(row, marks, strict=True) if t and not copy)
            # the non-empty cells that are no merged copy, selected in C
            out.extend(filter(None, compress(row, map(not_, marks))) if True in marks else filter(None, row))
    return out


def _rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("tbody", "thead", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _is_layout(table: etree._Element, rows: list[etree._Element] | None = None) -> bool:
    """Page-layout tables (old CMSs) hold nested tables or a single column of content.
    `rows`: `_rows(table)`, when the caller has them."""
    if _has_table(table):
        return True
    if rows is None:
        rows = _rows(table)
    return not rows or all(len([c for c in r if c.tag in ("td", "th")]) <= 1 for r in rows)


def _cell_text(cell: etree._Element) -> str:
    """A cell's text; block elements and <br> inside it separate pieces."""
    n = len(cell)
    if n == 0:
        return clean(cell.text or "")
    if n == 1:
        child = cell[0]
        if len(child) == 0 and child.tag not in SKIP and child.tag != "br" \
                and not (child.tail or "").strip() and not (cell.text or "").strip():
            return clean(child.text or "")  # the common <td><p>text</p></td>
    parts: list[str] = []
    _cell_parts(cell, parts)
    return join([clean(p) for p in "".join(parts).split("\n")])


def _cell_parts(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for ch in el:
        tag = ch.tag if isinstance(ch.tag, str) else None
        if tag is not None and tag not in SKIP:
            brk = tag in BLOCK or tag == "br"
            if brk:
                parts.append("\n")
            _cell_parts(ch, parts)
            if brk:
                parts.append("\n")
        if ch.tail:
            parts.append(ch.tail)


_CELL_TAGS = frozenset({"td", "th"})


def _table(table: etree._Element, trs: list[etree._Element] | None = None) -> Table:
    rows = []
    for tr in _rows(table) if trs is None else trs:
        row = []
        for td in tr:
            if td.tag in _CELL_TAGS:
                if td.attrib:  # no attributes at all (the common cell): no span to look up
                    rs, cs = td.get("rowspan"), td.get("colspan")
                    rs, cs = (1 if rs is None else span(rs)), (1 if cs is None else span(cs))
                else:
                    rs = cs = 1
                n = len(td)
                if n == 0:  # a bare text cell: _cell_text without the call
                    text = td.text
                    text = (text if text.isalnum() else clean(text)) if text else ""  # clean's own shortcut
                elif n == 1 and len(child := td[0]) == 0 and not ((lead := td.text) and lead.strip()) \
                        and (tag := child.tag) not in SKIP and tag != "br" \
                        and not ((tail := child.tail) and tail.strip()):
                    text = child.text  # the common <td><p>text</p></td>, as _cell_text reads it
                    text = (text if text.isalnum() else clean(text)) if text else ""  # clean's own shortcut
                else:
                    text = _cell_text(td)
                row.append((text, rs, cs))
        rows.append(row)
    grid = expand(rows)
    # drop rows that are entirely empty (spacer rows)
    keep = [i for i, r in enumerate(grid.rows) if any(map(str.strip, r))]
    if len(keep) == len(grid.rows):
        return drop_sliver_columns(grid)
    return drop_sliver_columns(Table([grid.rows[i] for i in keep], [grid.merged[i] for i in keep]))


def _is_meta_table(b: Block) -> bool:
    """The 索引号/发布日期 box above many articles: metadata, not part of the report."""
    if not isinstance(b, Table) or len(b.rows) > 6:
        return False
    cells = {t.strip(" ：:") for row in b.rows for t in row}
    return "索引号" in cells or bool({"发布日期", "成文日期"} & cells and len(b.rows) <= 4)
