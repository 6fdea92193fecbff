"""HTML pages → blocks: decode, find the article body among the site chrome, keep tables.

lxml.html is used directly (not through BeautifulSoup) for speed: the indexer reads
hundreds of pages a second on one core.
"""

from __future__ import annotations

import re

import lxml.html
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
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def extract_html(data: bytes) -> Extracted:
    text, _enc = charset.decode(data)
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise CorruptDocument(f"HTML 无法解析：{exc}") from exc
    body = root.find("body")
    if body is None:
        body = root
    lines = _lines(body)
    title = _title(root)
    published = dates.published_from_lines(lines)
    meta = dates.meta_from_lines(lines)
    published = published or dates.published_from_meta(meta)
    for name in ("PubDate", "pubdate", "publishdate", "firstpublishedtime"):
        node = root.find(f".//meta[@name='{name}']")
        if node is not None and node.get("content"):
            meta.setdefault("PubDate", node.get("content").strip())
    _strip_chrome(body)
    container = _article(body)
    blocks = [b for b in _blocks(container) if not _is_meta_table(b)]
    return Extracted(blocks=blocks, format="html", title=title, published=published, meta=meta)


# --- title -------------------------------------------------------------------------------

def _title(root) -> str | None:
    for name in ("ArticleTitle", "articletitle", "title"):
        node = root.find(f".//meta[@name='{name}']")
        if node is not None and (t := clean(node.get("content") or "")):
            return t
    heads = [clean(h.text_content()) for h in root.iter("h1", "h2")]
    for h in heads:
        if "报告" in h or "報告" in h:
            return h
    node = root.find(".//title")
    if node is not None and (t := clean(node.text_content())):
        return re.split(r"\s*[_|–—-]{1,2}\s*(?=[^_|–—-]*(?:网|政府|门户|平台)[^_|–—-]*$)", t)[0]
    return heads[0] if heads else None


# --- chrome and the article container ------------------------------------------------------

def _strip_chrome(body) -> None:
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in CHROME_TAGS or el.tag in SKIP:
            doomed.append(el)
            continue
        name = f"{el.get('class', '')} {el.get('id', '')}"
        if name.strip() and _CHROME_NAME.search(name) and not el.findall(".//table"):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


def _measure(el, scores: dict, tables: dict) -> tuple[int, int]:
    """Non-link text length and number of data tables under `el`, memoised per element."""
    n = 0 if el.tag == "a" else len((el.text or "").strip())
    t = 1 if el.tag == "table" and len(el.findall("tr")) + len(el.findall("tbody/tr")) >= 3 else 0
    for ch in el:
        if isinstance(ch.tag, str):
            cn, ct = _measure(ch, scores, tables)
            n += 0 if el.tag == "a" else cn
            t += ct
        if el.tag != "a":
            n += len((ch.tail or "").strip())
    scores[el], tables[el] = n, t
    return n, t


def _article(body):
    """Descend from <body> into the child holding most of the text and all the data tables."""
    scores: dict = {}
    tables: dict = {}
    _measure(body, scores, tables)
    node = body
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        if not kids:
            return node
        best = max(kids, key=lambda c: scores.get(c, 0))
        if scores.get(best, 0) < 0.75 * scores[node] or tables.get(best, 0) < tables[node]:
            return node
        if best.tag in {"p", "table", "h1", "h2", "h3", "span", "font", "strong"}:
            return node
        node = best


# --- blocks ------------------------------------------------------------------------------------

class _Walker:
    """Turns an element tree into paragraphs and tables in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        text = clean("".join(self.buf))
        self.buf = []
        if text and not (len(text) < 80 and _CHROME_TEXT.search(text)):
            self.blocks.append(Paragraph(text))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in SKIP:
            return
        if tag == "table" and not _is_layout(el):
            self.flush()
            table = _table(el)
            if table.rows:
                self.blocks.append(table)
            return
        if tag == "br":
            self.flush()
            return
        block = tag in BLOCK
        if block:
            self.flush()
        if el.text:
            self.buf.append(el.text)
        for ch in el:
            self.walk(ch)
            if ch.tail:
                self.buf.append(ch.tail)
        if block:
            self.flush()


def _blocks(el) -> list[Block]:
    w = _Walker()
    w.walk(el)
    w.flush()
    return w.blocks


def _lines(el) -> list[str]:
    """All text lines of the page (paragraphs and table cells), for dates and metadata."""
    out: list[str] = []
    for b in _blocks(el):
        if isinstance(b, Paragraph):
            out.append(b.text)
            continue
        for row, marks in zip(b.rows, b.merged, strict=True):
            out.extend(t for t, copy in zip(row, marks, strict=True) if t and not copy)
    return out


def _rows(table) -> list:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("tbody", "thead", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _is_layout(table) -> bool:
    """Page-layout tables (old CMSs) hold nested tables or a single column of content."""
    if table.find(".//table") is not None:
        return True
    rows = _rows(table)
    return not rows or all(len([c for c in r if c.tag in ("td", "th")]) <= 1 for r in rows)


def _cell_text(cell) -> str:
    pieces = [b.text for b in _blocks(cell) if isinstance(b, Paragraph)]
    return join(pieces)


def _table(table) -> Table:
    rows = []
    for tr in _rows(table):
        rows.append([(_cell_text(td), span(td.get("rowspan")), span(td.get("colspan")))
                     for td in tr if td.tag in ("td", "th")])
    grid = expand(rows)
    # drop rows that are entirely empty (spacer rows)
    keep = [i for i, r in enumerate(grid.rows) if any(t.strip() for t in r)]
    return drop_sliver_columns(Table([grid.rows[i] for i in keep], [grid.merged[i] for i in keep]))


def _is_meta_table(b: Block) -> bool:
    """The 索引号/发布日期 box above many articles: metadata, not part of the report."""
    if not isinstance(b, Table) or len(b.rows) > 6:
        return False
    cells = {t.strip(" ：:") for row in b.rows for t in row}
    return "索引号" in cells or bool({"发布日期", "成文日期"} & cells and len(b.rows) <= 4)
