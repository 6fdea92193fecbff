"""A scanned-looking page image (PIL): the title, the headings of parts 二–四 and the three
tables with drawn grid lines, on a slightly noisy grey-white page. For OCR tests; the prose
is left out to keep OCR time reasonable."""

from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from nianbao.tables import Cell, Layout, layout_grid
from simweb.render_pdf import CJK_FONTS

if TYPE_CHECKING:
    from simweb.render import Item

# ("text", the text, font size) or ("table", its layout, font size)
_Part = tuple[str, Any, int]

WIDTH = 1400
MARGIN = 60
CELL_FONT = 20
LINE = 3


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=0)
    raise RuntimeError("PNG rendering needs a CJK TrueType font (apt: fonts-wqy-zenhei)")


def render_png(items: list[Item]) -> bytes:
    parts: list[_Part] = []
    for it in items:
        if it.kind == "title":
            parts.append(("text", it.text, 30))
        elif it.kind == "heading" and it.text[:2] in ("二、", "三、", "四、", "二、", "三、", "四、"):
            parts.append(("text", it.text, 24))
        elif it.kind == "table":
            parts.append(("table", it.rows(), CELL_FONT))
    height = MARGIN + sum(_height(p) for p in parts) + MARGIN
    img = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(img)
    y = MARGIN
    for p in parts:
        y = _draw(draw, p, y)
    return _scanned(img)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and font.getlength(cur + ch) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + ([cur] if cur else [])


def _col_widths(n: int) -> list[int]:
    usable = WIDTH - 2 * MARGIN
    if n == 10:
        label = [120, 140, 330]
        rest = (usable - sum(label)) // 7
        return label + [rest] * 7
    if n == 4:
        return [usable - 3 * (usable // 4)] + [usable // 4] * 3
    return [usable // n] * n


def _row_heights(layout: Layout) -> tuple[list[int], list[int], list[list[Cell | None]]]:
    texts, _merged, origin = layout_grid(layout)
    widths = _col_widths(len(texts[0]))
    font = _font(CELL_FONT)
    heights = [CELL_FONT + 22] * len(texts)
    for r, row in enumerate(origin):
        for c, cell in enumerate(row):
            if cell is not None and cell.rowspan == 1:
                w = sum(widths[c:c + cell.colspan]) - 12
                need = len(_wrap(cell.text, font, w)) * (CELL_FONT + 6) + 16
                heights[r] = max(heights[r], need)
    return widths, heights, origin


def _height(part: _Part) -> int:
    kind, payload, size = part
    if kind == "text":
        return size + 30
    _w, heights, _o = _row_heights(payload)
    return sum(heights) + 40


def _draw(draw: ImageDraw.ImageDraw, part: _Part, y: int) -> int:
    kind, payload, size = part
    if kind == "text":
        font = _font(size)
        x = (WIDTH - font.getlength(payload)) / 2 if size > 24 else MARGIN
        draw.text((x, y), payload, font=font, fill=20)
        return y + size + 30
    widths, heights, origin = _row_heights(payload)
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y]
    for h in heights:
        ys.append(ys[-1] + h)
    font = _font(size)
    for r, row in enumerate(origin):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            x0, y0 = xs[c], ys[r]
            x1, y1 = xs[c + cell.colspan], ys[r + cell.rowspan]
            draw.rectangle((x0, y0, x1, y1), outline=30, width=LINE)
            lines = _wrap(cell.text, font, x1 - x0 - 12)
            ty = (y0 + y1) / 2 - len(lines) * (size + 6) / 2 + 3
            for ln in lines:
                draw.text(((x0 + x1 - font.getlength(ln)) / 2, ty), ln, font=font, fill=25)
                ty += size + 6
    return ys[-1] + 40


def _scanned(img: Image.Image) -> bytes:
    """Paper tone, speckles and a slight blur; a fixed seed keeps the output deterministic."""
    rng = random.Random(20250118)
    px = img.load()
    assert px is not None  # load() gives None only for images without pixel data
    w, h = img.size
    for _ in range(w * h // 400):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = min(cast(int, px[x, y]), rng.randrange(150, 235))  # mode L: one int
    img = img.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: int(v * 0.93 + 8))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
