"""Scanned pages and images → blocks with Tesseract (`chi_sim`).

Ruled tables are found in the pixels (long dark runs make line segments, `lattice` makes the
grid), the lines are erased, the page is OCRed once, and every recognised word goes to the
table cell that contains it; words outside tables become paragraphs (Tesseract's own
paragraphs). Needs the apt packages tesseract-ocr and tesseract-ocr-chi-sim.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from bisect import bisect_right

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, UnidentifiedImageError

from indexer.parse.blocks import Block, Extracted, Paragraph
from indexer.parse.formats import lattice, limits
from indexer.parse.formats.errors import CorruptDocument, FormatError
from indexer.parse.formats.textutil import clean, join
from nianbao.settings import get_settings

PDF_DPI = 200


def extract_image(data: bytes) -> Extracted:
    lim = limits.current()
    Image.MAX_IMAGE_PIXELS = lim.image_max_pixels  # PIL's own guard, behind ours
    blocks: list[Block] = []
    try:
        img = Image.open(io.BytesIO(data))
        n_frames = getattr(img, "n_frames", 1)  # multi-page TIFF
        limits.check(n_frames, lim.max_pages, "parse_max_pages", "图片的页数（帧数）",
                     "image page (frame) count")
        for i in range(n_frames):
            limits.check_time()
            img.seek(i)
            _check_pixels(img.size, lim.image_max_pixels, "parse_image_max_pixels", "图片像素数",
                          "image pixel count")
            img.load()
            blocks.extend(image_blocks(img.copy()))
    except Image.DecompressionBombError as exc:  # PIL's guard fires at twice our limit
        raise limits.LimitExceeded("图片像素数", "image pixel count", "parse_image_max_pixels",
                                   lim.image_max_pixels, unit=(" 像素", " pixels")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptDocument(f"图片文件损坏或无法读取：{exc}") from exc
    return Extracted(blocks=blocks, format="image", ocr=True)


def ocr_page(page: pdfium.PdfPage) -> list[Block]:
    """A PDF page without a text layer: render it and OCR the image, when the rendered page
    and every image on it are within the pixel limits."""
    lim = limits.current()
    scale = PDF_DPI / 72
    width, height = page.get_size()
    _check_pixels((int(width * scale), int(height * scale)), lim.page_max_pixels,
                  "parse_page_max_pixels", f"PDF 扫描页按 {PDF_DPI} dpi 渲染的像素数",
                  f"pixel count of a scanned PDF page rendered at {PDF_DPI} dpi")
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        _check_pixels(obj.get_px_size(), lim.image_max_pixels, "parse_image_max_pixels",
                      "PDF 页内图片的像素数", "pixel count of an image in a PDF page")
    img = page.render(scale=scale).to_pil()
    return image_blocks(img)


def _check_pixels(size: tuple[int, int], limit: int, setting: str, zh: str, en: str) -> None:
    w, h = (max(int(v), 0) for v in size)
    limits.check(w * h, limit, setting, f"{zh}（{w}×{h}）", f"{en} ({w}x{h})", (" 像素", " pixels"))


def image_blocks(img: Image.Image) -> list[Block]:
    _require_tesseract()
    gray = ImageOps.grayscale(img.convert("RGB") if img.mode not in ("L", "RGB") else img)
    arr = np.asarray(gray)
    segs, runs = _line_segments(arr < 140)
    tables = [t for t in lattice.find_tables(segs, tol=6.0) if len(t.xs) >= 3 and len(t.ys) >= 3]
    page = arr.copy()
    page[_table_line_mask(arr.shape, runs, tables)] = 255  # Tesseract reads lines as 一 or |
    items: list[tuple[float, Block]] = []
    for t, texts in zip(tables, _cell_texts(page, tables), strict=True):
        table = lattice.to_table(t, texts)
        if table.rows:
            items.append((t.ys[0], table))
    rest = page.copy()
    for t in tables:  # the prose around the tables, read as a page
        x0, y0, x1, y1 = (int(v) for v in t.box)
        rest[max(y0 - 2, 0):y1 + 3, max(x0 - 2, 0):x1 + 3] = 255
    if (rest < 140).sum() > 50:
        items += _paragraph_items(_ocr_words(Image.fromarray(rest), psm=get_settings().ocr_psm))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


def _cell_texts(page: np.ndarray, tables: list[lattice.Lattice]) -> list[list[str]]:
    """OCR every cell at once: the cell images are stacked into one column with gaps (one
    Tesseract run, and no cell's text can run into its neighbour's), then each recognised
    word goes back to the cell whose strip holds it."""
    crops, owners = [], []
    for ti, t in enumerate(tables):
        for ri, reg in enumerate(t.regions):
            x0, y0, x1, y1 = (int(round(v)) for v in reg.box)
            crop = page[y0 + 4:y1 - 3, x0 + 4:x1 - 3]
            if crop.size and (crop < 140).sum() > 8:
                crops.append(crop)
                owners.append((ti, ri))
    texts = [[""] * len(t.regions) for t in tables]
    if not crops:
        return texts
    gap = 24
    width = max(c.shape[1] for c in crops) + 2 * gap
    height = sum(c.shape[0] + gap for c in crops) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    spans, y = [], gap
    for crop in crops:
        sheet[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
        spans.append((y - gap / 2, y + crop.shape[0] + gap / 2))
        y += crop.shape[0] + gap
    per_cell: list[list[dict]] = [[] for _ in crops]
    starts = [s for s, _ in spans]
    for w in _ocr_words(Image.fromarray(sheet), psm=6):
        i = max(bisect_right(starts, w["y"]) - 1, 0)
        per_cell[i].append(w)
    for (ti, ri), words in zip(owners, per_cell, strict=True):
        text = _words_text(words)
        texts[ti][ri] = _DIGIT_LOOKALIKES.get(text, text)
    return texts


# a lone character in a cell is almost always a digit that the Chinese model misread
_DIGIT_LOOKALIKES = {"了": "2", "〇": "0", "O": "0", "o": "0", "l": "1", "I": "1", "|": "1",
                     "丁": "7", "B": "8", "S": "5", "己": "2"}


def _paragraph_items(words: list[dict]) -> list[tuple[float, Block]]:
    paragraphs: dict[tuple, list[dict]] = {}
    for w in words:
        paragraphs.setdefault(w["key"], []).append(w)  # one per OCR line
    out: list[tuple[float, Block]] = []
    for ws in paragraphs.values():
        if text := _words_text(ws):
            out.append((min(w["y"] for w in ws), Paragraph(text)))
    return out


def _require_tesseract() -> None:
    if shutil.which("tesseract") is None:
        raise FormatError("需要 OCR 识别图片，但未安装 Tesseract（apt: tesseract-ocr tesseract-ocr-chi-sim）")


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every horizontal run of True at least `min_len` long."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    diff = np.diff(padded, axis=1)
    rs, starts = np.nonzero(diff == 1)
    _re, ends = np.nonzero(diff == -1)
    keep = (ends - starts) >= min_len
    return list(zip(rs[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _line_segments(dark: np.ndarray) -> tuple[list[lattice.Seg], list[tuple[bool, int, int, int]]]:
    """Segments for the lattice, and the raw pixel runs (to erase the lines later)."""
    h, w = dark.shape
    min_h, min_v = max(60, w // 25), max(30, h // 80)
    segs: list[lattice.Seg] = []
    runs: list[tuple[bool, int, int, int]] = []
    for y, a, b in _runs(dark, min_h):
        segs.append(lattice.Seg(True, float(y), float(a), float(b)))
        runs.append((True, y, a, b))
    for x, a, b in _runs(dark.T, min_v):
        segs.append(lattice.Seg(False, float(x), float(a), float(b)))
        runs.append((False, x, a, b))
    return _merge_runs(segs), runs


def _table_line_mask(shape: tuple[int, ...], runs: list[tuple[bool, int, int, int]],
                     tables: list[lattice.Lattice]) -> np.ndarray:
    """Pixels of the ruling lines of the tables found (not glyph strokes elsewhere),
    widened by a pixel for anti-aliased edges."""
    mask = np.zeros(shape, dtype=bool)
    boxes = [t.box for t in tables]
    for horizontal, pos, a, b in runs:
        x, y = ((a + b) / 2, pos) if horizontal else (pos, (a + b) / 2)
        if any(x0 - 8 <= x <= x1 + 8 and y0 - 8 <= y <= y1 + 8 for x0, y0, x1, y1 in boxes):
            if horizontal:
                mask[pos, a:b] = True
            else:
                mask[a:b, pos] = True
    mask[1:, :] |= mask[:-1, :]
    mask[:, 1:] |= mask[:, :-1]
    return mask


def _merge_runs(segs: list[lattice.Seg]) -> list[lattice.Seg]:
    """Thick lines are several adjacent one-pixel runs: fold them into one segment each."""
    out: list[lattice.Seg] = []
    for horizontal in (True, False):
        group = sorted((s for s in segs if s.horizontal == horizontal), key=lambda s: (s.pos, s.a))
        merged: list[lattice.Seg] = []
        for s in group:
            for m in merged[-8:]:
                if s.pos - m.pos <= 3 and s.a <= m.b + 3 and s.b >= m.a - 3:
                    m.a, m.b, m.pos = min(m.a, s.a), max(m.b, s.b), (m.pos + s.pos) / 2
                    break
            else:
                merged.append(lattice.Seg(horizontal, s.pos, s.a, s.b))
        out.extend(merged)
    return out


def _ocr_words(img: Image.Image, psm: int) -> list[dict]:
    import pytesseract  # heavy (≈0.4 s): only when a scan is read

    # one thread: Tesseract's OpenMP threads thrash on a shared machine (5x slower here)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    settings = get_settings()
    timeout = settings.ocr_timeout
    try:
        data = pytesseract.image_to_data(img, lang=settings.ocr_lang, config=f"--psm {psm}",
                                         output_type=pytesseract.Output.DICT,
                                         timeout=limits.remaining(timeout))
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        limits.check_time()  # the file's wall time ran out: say so, naming that limit
        raise CorruptDocument(f"OCR 超时（{timeout} 秒）/ OCR timed out ({timeout} s)") from exc
    except pytesseract.TesseractError as exc:
        raise FormatError(f"OCR 失败：{exc}") from exc
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text or float(data["conf"][i]) < 0:
            continue
        words.append({"text": text, "x": data["left"][i] + data["width"][i] / 2,
                      "y": data["top"][i] + data["height"][i] / 2, "left": data["left"][i],
                      "key": (data["block_num"][i], data["par_num"][i], data["line_num"][i])})
    return words


def _words_text(ws: list[dict]) -> str:
    """Words in reading order (line by line, left to right), joined CJK-style."""
    lines: list[list[dict]] = []
    for w in sorted(ws, key=lambda w: w["y"]):
        if lines and abs(lines[-1][0]["y"] - w["y"]) < 12:
            lines[-1].append(w)
        else:
            lines.append([w])
    pieces = [clean(w["text"]) for line in lines for w in sorted(line, key=lambda w: w["left"])]
    return _STRAY.sub("", join(pieces)).strip(_EDGE)


# remnants of erased ruling lines and specks read as punctuation
_STRAY = re.compile(r"[|｜¦]")
_EDGE = " ，,、”“\"'‘’_—-~·.。"
