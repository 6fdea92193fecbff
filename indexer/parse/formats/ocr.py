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

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from indexer.parse.blocks import Block, Extracted, Paragraph, Table
from indexer.parse.formats import lattice
from indexer.parse.formats.errors import CorruptDocument, FormatError
from indexer.parse.formats.textutil import clean, join

LANG = os.environ.get("NIANBAO_OCR_LANG", "chi_sim")
TIMEOUT = int(os.environ.get("NIANBAO_OCR_TIMEOUT", "180"))
PDF_DPI = 200
PSM = int(os.environ.get("NIANBAO_OCR_PSM", "3"))
MAX_PIXELS = 60_000_000


def extract_image(data: bytes) -> Extracted:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        frames = []
        for i in range(getattr(img, "n_frames", 1)):  # multi-page TIFF
            img.seek(i)
            frames.append(img.copy())
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise CorruptDocument(f"图片文件损坏或无法读取：{exc}") from exc
    blocks: list[Block] = []
    for frame in frames:
        blocks.extend(image_blocks(frame))
    return Extracted(blocks=blocks, format="image", ocr=True)


def ocr_page(page) -> list[Block]:
    """A PDF page without a text layer: render it and OCR the image."""
    img = page.render(scale=PDF_DPI / 72).to_pil()
    return image_blocks(img)


def image_blocks(img: Image.Image) -> list[Block]:
    _require_tesseract()
    gray = ImageOps.grayscale(img.convert("RGB") if img.mode not in ("L", "RGB") else img)
    arr = np.asarray(gray)
    dark = arr < 140
    segs, mask = _line_segments(dark)
    tables = [t for t in lattice.find_tables(segs, tol=6.0) if len(t.xs) >= 3 and len(t.ys) >= 3]
    clean_img = arr.copy()
    clean_img[mask] = 255  # erase ruling lines: Tesseract reads them as 一 or |
    words = _ocr_words(Image.fromarray(clean_img))
    return _assemble(tables, words)


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


def _line_segments(dark: np.ndarray) -> tuple[list[lattice.Seg], np.ndarray]:
    h, w = dark.shape
    min_h, min_v = max(60, w // 25), max(30, h // 80)
    segs: list[lattice.Seg] = []
    mask = np.zeros_like(dark)
    for y, a, b in _runs(dark, min_h):
        segs.append(lattice.Seg(True, float(y), float(a), float(b)))
        mask[y, a:b] = True
    for x, a, b in _runs(dark.T, min_v):
        segs.append(lattice.Seg(False, float(x), float(a), float(b)))
        mask[a:b, x] = True
    # widen the erase mask by a pixel: anti-aliased line edges
    mask[1:, :] |= mask[:-1, :]
    mask[:, 1:] |= mask[:, :-1]
    return _merge_runs(segs), mask


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


def _ocr_words(img: Image.Image) -> list[dict]:
    import pytesseract

    # one thread: Tesseract's OpenMP threads thrash on a shared machine (5x slower here)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(img, lang=LANG, config=f"--psm {PSM}",
                                         output_type=pytesseract.Output.DICT, timeout=TIMEOUT)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        raise CorruptDocument(f"OCR 超时（{TIMEOUT} 秒）") from exc
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


def _assemble(tables: list[lattice.Lattice], words: list[dict]) -> list[Block]:
    cell_words: list[list[list[dict]]] = [[[] for _ in t.regions] for t in tables]
    free: list[dict] = []
    for w in words:
        for ti, t in enumerate(tables):
            x0, y0, x1, y1 = t.box
            if x0 <= w["x"] <= x1 and y0 <= w["y"] <= y1:
                for ri, reg in enumerate(t.regions):
                    bx0, by0, bx1, by1 = reg.box
                    if bx0 <= w["x"] <= bx1 and by0 <= w["y"] <= by1:
                        cell_words[ti][ri].append(w)
                        break
                break
        else:
            free.append(w)
    items: list[tuple[float, Block]] = []
    for t, cells in zip(tables, cell_words, strict=True):
        texts = [_words_text(ws) for ws in cells]
        table = lattice.to_table(t, texts)
        if table.rows:
            items.append((t.ys[0], table))
    paragraphs: dict[tuple, list[dict]] = {}
    for w in free:
        paragraphs.setdefault(w["key"][:2], []).append(w)
    for ws in paragraphs.values():
        text = _words_text(ws)
        if text:
            items.append((min(w["y"] for w in ws), Paragraph(text)))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


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
