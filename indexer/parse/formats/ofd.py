"""OFD (GB/T 33190, the Chinese fixed-layout format) → blocks, read from its XML directly:
a zip of OFD.xml → Document.xml → one Content.xml per page holding TextObject/TextCode
(positioned text, in millimetres) and PathObject (drawn lines, which give the ruled tables).
easyofd is not used: it renders pages and pulls in PyMuPDF; text needs only the XML."""

from __future__ import annotations

import posixpath

from lxml import etree

from indexer.parse.blocks import Block, Extracted, Table
from indexer.parse.formats import lattice, limits
from indexer.parse.formats.errors import CorruptDocument
from indexer.parse.formats.pdf import _join_pages, _Line, _paragraphs
from indexer.parse.formats.textutil import clean, join
from indexer.parse.formats.zipguard import SafeZip

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
TOL_MM = 0.8
_REFERENCES = {"Template", "TemplatePage", "PublicRes", "DocumentRes", "Attachments",
               "CustomTags", "Annotations", "Extensions"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find_all(root: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in root.iter() if _local(el.tag) == name]


def extract_ofd(data: bytes) -> Extracted:
    try:
        z = SafeZip(data, "OFD")
        ofd = z.xml("ofd.xml", _PARSER)
        doc_root = next(el.text.strip() for el in _find_all(ofd, "DocRoot") if el.text)
        doc_path = doc_root.lstrip("/")
        document = z.xml(doc_path, _PARSER)
        page_refs = _page_refs(document)
        pages = []
        for page in page_refs:
            limits.check_time()
            loc = page.get("BaseLoc", "")
            path = loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(doc_path), loc))
            pages.append(_page(z.xml(path, _PARSER)))
    except (KeyError, StopIteration, OSError, EOFError, etree.XMLSyntaxError) as exc:
        raise CorruptDocument(f"OFD 文件损坏或不完整：{exc or type(exc).__name__}") from exc
    return Extracted(blocks=_join_pages(pages), format="ofd", title=_title(ofd))


def _page_refs(document: etree._Element) -> list[etree._Element]:
    """The document's Page entries, within the reference and page limits: every element of
    Document.xml that points at another part (BaseLoc, template and resource references)."""
    lim = limits.current()
    refs = sum(1 for el in document.iter()
               if el.get("BaseLoc") is not None or _local(el.tag) in _REFERENCES)
    limits.check(refs, lim.max_references, "parse_max_references", "OFD 文档结构中的引用数",
                 "OFD references in the document structure")
    pages = _find_all(document, "Page")
    limits.check(len(pages), lim.max_pages, "parse_max_pages", "OFD 页数", "OFD page count")
    return pages


def _title(ofd: etree._Element) -> str | None:
    title = next((clean(el.text or "") for el in _find_all(ofd, "Title")), "")
    return title if "报告" in title else None


def _box(el: etree._Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in (el.get("Boundary") or "0 0 0 0").split()[:4])
    return x, y, w, h


def _runs(content: etree._Element) -> list[tuple[float, float, float, float, str]]:
    """(top, bottom, left, right, text) for every TextCode, in page millimetres."""
    runs = []
    for obj in _find_all(content, "TextObject"):
        bx, by, _bw, _bh = _box(obj)
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x = bx + float(code.get("X") or 0)
            y = by + float(code.get("Y") or 0)
            width = _advance(code.get("DeltaX"), len(code.text), size)
            runs.append((y - size, y + size * 0.2, x, x + width, code.text))
    return runs


def _advance(delta: str | None, n: int, size: float) -> float:
    """Width of a run from its DeltaX list ("g 3 3.5" repeats 3.5 three times)."""
    if not delta:
        return n * size
    vals, toks = [], delta.split()
    i = 0
    while i < len(toks):
        if toks[i] == "g" and i + 2 < len(toks):
            vals += [float(toks[i + 2])] * int(float(toks[i + 1]))
            i += 3
        else:
            vals.append(float(toks[i]))
            i += 1
    return sum(vals[: max(n - 1, 0)]) + size


def _segments(content: etree._Element) -> list[lattice.Seg]:
    segs = []
    for obj in _find_all(content, "PathObject"):
        bx, by, _w, _h = _box(obj)
        data = next((el.text for el in obj if _local(el.tag) == "AbbreviatedData"), "") or ""
        toks = data.split()
        pts: list[tuple[float, float]] = []
        i = 0
        while i < len(toks):
            op = toks[i]
            if op in ("M", "L") and i + 2 < len(toks):
                p = (bx + float(toks[i + 1]), by + float(toks[i + 2]))
                if op == "L" and pts and (s := _seg(pts[-1], p)):
                    segs.append(s)
                pts.append(p)
                i += 3
            elif op == "C" and pts:
                if s := _seg(pts[-1], pts[0]):
                    segs.append(s)
                i += 1
            else:
                i += 1
    return segs


def _seg(a: tuple[float, float], b: tuple[float, float]) -> lattice.Seg | None:
    if abs(a[1] - b[1]) < 0.2 and abs(a[0] - b[0]) > 1.5:
        return lattice.Seg(True, (a[1] + b[1]) / 2, min(a[0], b[0]), max(a[0], b[0]))
    if abs(a[0] - b[0]) < 0.2 and abs(a[1] - b[1]) > 1.5:
        return lattice.Seg(False, (a[0] + b[0]) / 2, min(a[1], b[1]), max(a[1], b[1]))
    return None


def _page(content: etree._Element) -> list[Block]:
    tables = [t for t in lattice.find_tables(_segments(content), tol=TOL_MM)
              if len(t.xs) >= 3 and len(t.ys) >= 3]
    cells: list[list[list[tuple]]] = [[[] for _ in t.regions] for t in tables]
    free = []
    for run in _runs(content):
        cx, cy = (run[2] + run[3]) / 2, (run[0] + run[1]) / 2
        placed = False
        for ti, t in enumerate(tables):
            for ri, reg in enumerate(t.regions):
                x0, y0, x1, y1 = reg.box
                if x0 <= run[2] + 0.5 and run[2] < x1 and y0 <= cy <= y1:
                    cells[ti][ri].append(run)
                    placed = True
                    break
            if placed:
                break
        if not placed and not any(t.box[0] <= cx <= t.box[2] and t.box[1] <= cy <= t.box[3]
                                  for t in tables):
            free.append(run)
    items: list[tuple[float, object]] = []
    for t, regs in zip(tables, cells, strict=True):
        texts = [join([clean(r[4]) for r in sorted(rs, key=lambda r: (round(r[1]), r[2]))])
                 for rs in regs]
        table: Table = lattice.to_table(t, texts)
        if table.rows:
            items.append((t.ys[0], table))
    for line in _group_lines(free):
        items.append((line.top, line))
    items.sort(key=lambda it: it[0])
    return _paragraphs(items)


def _group_lines(runs: list[tuple[float, float, float, float, str]]) -> list[_Line]:
    lines: list[_Line] = []
    groups: list[list[tuple]] = []
    for run in sorted(runs, key=lambda r: (r[0] + r[1]) / 2):
        mid = (run[0] + run[1]) / 2
        if groups and groups[-1][0][0] <= mid <= groups[-1][0][1]:
            groups[-1].append(run)
        else:
            groups.append([run])
    for g in groups:
        g.sort(key=lambda r: r[2])
        lines.append(_Line(min(r[0] for r in g), max(r[1] for r in g), g[0][2],
                           max(r[3] for r in g), join([clean(r[4]) for r in g])))
    return [ln for ln in lines if ln.text]
