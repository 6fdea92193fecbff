"""Word 97–2003 binary (.doc, [MS-DOC]) → blocks, read natively: the blocks `word.extract_docx`
gives for the DOCX LibreOffice makes of the same file, in milliseconds instead of a LibreOffice
run (~1.2 s of CPU).

Read: the FIB of the WordDocument stream, the piece table (CLX) of the table stream, the main
document text (the first ccpText characters: no headers, footnotes or comments), field results
(instructions dropped), Symbol-font characters (sprmCSymbol), and the paragraph properties of the PAPX FKPs that mark
table cells and rows (sprmPFInTable, sprmPFTtp) and describe a row (sprmTDefTable: cell
boundaries and merge flags, sprmTVertMerge, sprmTMerge/sprmTSplit). Tables become grids the
way LibreOffice's DOCX export and `word._table` make them: the union of the rows' cell
boundaries is the grid, a cell over k grid columns repeats its text k times, vertical merge
continuations repeat the text above, all copies marked merged.

Anything this reader does not know for sure — Word 6/95, encryption, nested tables, text boxes
(LibreOffice puts their text into the paragraph they are anchored in), no text at all, a missing
stream, pieces with their own property modifiers (fast saves), a piece or property table
pointing outside its stream, cell counts that do not add up —
is declined (`Declined`; `extract_doc` returns None) and LibreOffice reads the file as
before. Resource limits: the wall time is checked between pieces, property pages and rows, and
table cells count against `parse_xml_max_elements` (`LimitExceeded`).
"""

from __future__ import annotations

import bisect
import io
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

import olefile

from indexer.parse.blocks import Block, Extracted, Paragraph, Table
from indexer.parse.formats import limits
from indexer.parse.formats.grid import word_table
from indexer.parse.formats.textutil import clean, join

WORD97_MIN_NFIB = 0xC1
_FIB_MIN = 0x9A + 34 * 8  # through FibRgFcLcb97's fcClx/lcbClx
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I16 = struct.Struct("<h")

# Paragraph and table sprms ([MS-DOC] 2.6.2, 2.6.4).
_P_IN_TABLE = 0x2416
_P_TTP = 0x2417
_P_ITAP = 0x6649
_P_DTAP = 0x664A
_P_INNER_CELL = 0x244B
_P_INNER_TTP = 0x244C
_P_HUGE_PAPX = 0x6646
_P_CHG_TABS = 0xC615
_C_SYMBOL = 0x6A09
_T_DEF_TABLE = 0xD608
_T_DEF_TABLE10 = 0xD606
_T_VERT_MERGE = 0xD62B
_T_MERGE = 0x5624
_T_SPLIT = 0x5625
_T_UNSUPPORTED = {0x5622: "sprmTDelete", 0x7621: "sprmTInsert", _T_DEF_TABLE10: "sprmTDefTable10"}
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}

# TC80.tcgrf
_FIRST_MERGED, _MERGED, _VERT_MERGE, _VERT_RESTART = 0x01, 0x02, 0x20, 0x40

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_PARA_END = "\r"
_CELL_END = "\x07"
_LINE = "\n"
# Characters of the main text: line and page breaks end a line, tabs and no-break spaces are
# spaces, a non-breaking hyphen is a hyphen; object anchors, soft hyphens and other control
# characters go.
_CHAR_MAP = {i: None for i in range(0x20)} | {
    0x09: " ", 0x0B: _LINE, 0x0C: _LINE, 0x1E: "-", 0xA0: " ",
}
# cp1252 for the 8-bit ("compressed") pieces; the five bytes cp1252 leaves undefined keep
# their Latin-1 value, as Word does.
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
           if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


class Declined(Exception):
    """A file the native reader leaves to LibreOffice (the message says why)."""


def extract_doc(data: bytes, fmt: str = "doc") -> Extracted | None:
    """The file's blocks, or None when the native reader declines it (LibreOffice's turn).
    `LimitExceeded` passes: a document past a resource limit is refused either way."""
    try:
        return read_doc(data, fmt)
    except Declined:
        return None


def read_doc(data: bytes, fmt: str = "doc") -> Extracted:
    """Like `extract_doc`, raising `Declined` with the reason instead of returning None."""
    if not data.startswith(olefile.MAGIC):
        raise Declined("not an OLE2 compound file")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError … on bad bytes
        raise Declined(f"OLE2 container unreadable: {exc}") from exc
    try:
        return _read(ole, fmt)
    except (struct.error, IndexError, ValueError, OSError, UnicodeError, OverflowError,
            MemoryError) as exc:
        raise Declined(f"inconsistent file: {type(exc).__name__}: {exc}") from exc
    finally:
        ole.close()


@dataclass
class _Row:
    cells: list[str]  # each cell's text (its paragraphs joined)
    tap: list[tuple[int, bytes]]  # the row-end paragraph's sprms


@dataclass
class _Doc:
    word: bytes
    table: bytes
    data: bytes | None
    ccp_text: int
    pieces: list[tuple[int, int, int, bool]] = field(default_factory=list)  # cp, cp_end, fc, 8-bit
    astral: list[int] = field(default_factory=list)  # text indexes of non-BMP characters


def _read(ole: olefile.OleFileIO, fmt: str) -> Extracted:
    if not ole.exists("WordDocument"):
        raise Declined("no WordDocument stream")
    word = _stream(ole, "WordDocument")
    if len(word) < _FIB_MIN:
        raise Declined("WordDocument stream shorter than a Word 97 FIB")
    ident, nfib = struct.unpack_from("<HH", word, 0)
    flags = _U16.unpack_from(word, 0x0A)[0]
    if ident != 0xA5EC:
        raise Declined(f"FIB wIdent {ident:#x} (not a Word 97+ document)")
    if nfib < WORD97_MIN_NFIB:
        raise Declined(f"FIB nFib {nfib:#x}: Word 6/95 or older")
    if flags & 0x0100:
        raise Declined("encrypted or obfuscated document")
    csw = _U16.unpack_from(word, 0x20)[0]
    lw = 0x22 + 2 * csw
    cslw = _U16.unpack_from(word, lw)[0]
    if csw != 14 or cslw < 22:
        raise Declined(f"unexpected FIB layout (csw {csw}, cslw {cslw})")
    ccp_text, ccp_txbx = (struct.unpack_from("<i", word, lw + 2 + 4 * i)[0] for i in (3, 9))
    if ccp_txbx:  # LibreOffice shows text-box text inside its anchor paragraph
        raise Declined("text boxes")
    rg = lw + 2 + 4 * cslw
    cb_fclcb = _U16.unpack_from(word, rg)[0]
    fclcb = rg + 2
    if cb_fclcb < 0x5D or fclcb + 34 * 8 > len(word):
        raise Declined(f"FIB cbRgFcLcb {cb_fclcb} too small for Word 97")
    name = "1Table" if flags & 0x0200 else "0Table"
    if not ole.exists(name):
        raise Declined(f"no {name} stream")
    table = _stream(ole, name)
    data = _stream(ole, "Data") if ole.exists("Data") else None
    fc_clx, lcb_clx = struct.unpack_from("<II", word, fclcb + 33 * 8)
    fc_bte, lcb_bte = struct.unpack_from("<II", word, fclcb + 13 * 8)
    if not 0 <= ccp_text <= len(word):
        raise Declined(f"ccpText {ccp_text} beyond the WordDocument stream")
    doc = _Doc(word, table, data, ccp_text)
    doc.pieces = _pieces(doc, _slice(table, fc_clx, lcb_clx, "CLX"))
    text = _text(doc)
    if "(" in text:
        fc_chp, lcb_chp = struct.unpack_from("<II", word, fclcb + 12 * 8)
        text = _symbols(doc, text, _slice(table, fc_chp, lcb_chp, "PlcBteChpx"))
    papx = _papx_runs(doc, _slice(table, fc_bte, lcb_bte, "PlcBtePapx"))
    blocks = _blocks(doc, text, papx)
    if not blocks:
        raise Declined("no text in the main document")
    return Extracted(blocks=blocks, format=fmt, title=_title(ole))


def _stream(ole: olefile.OleFileIO, name: str) -> bytes:
    with ole.openstream(name) as s:
        return s.read()


def _slice(buf: bytes, fc: int, lcb: int, what: str) -> bytes:
    if lcb == 0 or fc + lcb > len(buf):
        raise Declined(f"{what} at {fc}+{lcb} outside its stream ({len(buf)} bytes)")
    return buf[fc:fc + lcb]


# -- text ----------------------------------------------------------------------------------

def _pieces(doc: _Doc, clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The PlcPcd of the CLX (property runs, Prc, skipped): (cp, cp_end, fc, 8-bit) pieces
    covering the main text."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: clxt, cbGrpprl, GrpPrl
        pos += 3 + max(_I16.unpack_from(clx, pos + 1)[0], 0)
    if pos >= len(clx) or clx[pos] != 0x02:
        raise Declined("CLX without a piece table (Pcdt)")
    lcb = _U32.unpack_from(clx, pos + 1)[0]
    plc = clx[pos + 5:pos + 5 + lcb]
    if lcb < 4 + 8 + 4 or len(plc) != lcb or (lcb - 4) % 12:
        raise Declined(f"piece table of {lcb} bytes does not fit the CLX")
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces: list[tuple[int, int, int, bool]] = []
    for i in range(n):
        if i % 256 == 0:
            limits.check_time()
        cp, cp_end = cps[i], cps[i + 1]
        if cp_end <= cp or cp_end > doc.ccp_text + 0x100000:
            raise Declined(f"piece {i} with CPs {cp}–{cp_end} out of order or out of range")
        if cp >= doc.ccp_text:
            break
        fc_raw, prm = struct.unpack_from("<IH", plc, 4 * (n + 1) + 8 * i + 2)
        if prm:  # sprms of a fast save that the PAPX pages do not hold: not applied here
            raise Declined(f"piece {i} with property modifiers (Prm {prm:#x}, fast save)")
        compressed = bool(fc_raw & 0x40000000)
        fc = (fc_raw & 0x3FFFFFFF) // 2 if compressed else fc_raw & 0x3FFFFFFF
        size = (cp_end - cp) * (1 if compressed else 2)
        if fc + size > len(doc.word):
            raise Declined(f"piece {i} at FC {fc}+{size} beyond the WordDocument stream")
        pieces.append((cp, cp_end, fc, compressed))
    if not pieces or pieces[0][0] != 0 or pieces[-1][1] < doc.ccp_text:
        raise Declined("piece table does not cover the main text")
    if any(a[1] != b[0] for a, b in zip(pieces, pieces[1:])):
        raise Declined("piece table with gaps")
    return pieces


def _text(doc: _Doc) -> str:
    parts: list[str] = []
    for cp, cp_end, fc, compressed in doc.pieces:
        n = min(cp_end, doc.ccp_text) - cp
        if compressed:
            parts.append(doc.word[fc:fc + n].decode("latin-1").translate(_CP1252))
        else:
            parts.append(doc.word[fc:fc + 2 * n].decode("utf-16-le", "replace"))
    text = "".join(parts)
    # CPs count UTF-16 code units: a character beyond the BMP (a surrogate pair) is two
    doc.astral = [m.start() for m in _ASTRAL.finditer(text)]
    if len(text) + len(doc.astral) != doc.ccp_text:
        raise Declined("main text shorter than ccpText")
    return text


def _fc_of(doc: _Doc, cp: int, starts: list[int]) -> int:
    i = bisect.bisect_right(starts, cp) - 1
    p_cp, _end, fc, compressed = doc.pieces[i]
    return fc + (cp - p_cp) * (1 if compressed else 2)


def _symbols(doc: _Doc, text: str, plc: bytes) -> str:
    """Symbol-font characters: a '(' with sprmCSymbol stands for the character
    the sprm names (LibreOffice shows it as that code point, Symbol's are private-use)."""
    starts, ends, grpprls = _chpx_runs(doc, plc)
    p_starts = [p[0] for p in doc.pieces]
    chars = list(text)
    for m in re.finditer(r"\(", text):
        i = m.start()
        fc = _fc_of(doc, i + bisect.bisect(doc.astral, i), p_starts)
        k = bisect.bisect_right(starts, fc) - 1
        if k < 0 or fc >= ends[k] or not grpprls[k]:
            continue
        symbol = dict(_sprms(grpprls[k])).get(_C_SYMBOL)
        if symbol is not None and len(symbol) == 4:  # fSpec is often left to the style
            chars[i] = chr(_U16.unpack_from(symbol, 2)[0])
    return "".join(chars)


def _chpx_runs(doc: _Doc, plc: bytes) -> tuple[list[int], list[int], list[bytes]]:
    """Every CHPX FKP run: (fc starts, fc ends, grpprl), sorted by fc."""
    return _fkp_runs(doc, plc, "CHPX", 1, lambda page, off: page[off + 1:off + 1 + page[off]])


def _fkp_runs(doc: _Doc, plc: bytes, what: str, entry: int,
              grpprl_at: Callable[[bytes, int], bytes]) -> tuple[list[int], list[int], list[bytes]]:
    """The runs of a PlcBte's FKP pages, sorted by fc: an FKP holds crun + 1 fc bounds, then
    crun entries of `entry` bytes whose first byte is the word offset of the run's properties
    (0: none), read by `grpprl_at(page, byte offset)`."""
    runs: list[tuple[int, int, bytes]] = []
    for k, page in enumerate(_fkp_pages(doc, plc, what)):
        if k % 64 == 0:
            limits.check_time()
        crun = page[511]
        if crun == 0 or 4 * (crun + 1) + entry * crun > 511:
            raise Declined(f"{what} FKP with {crun} runs")
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            off = page[4 * (crun + 1) + entry * i] * 2
            runs.append((fcs[i], fcs[i + 1], grpprl_at(page, off) if off else b""))
    runs.sort(key=lambda r: r[0])
    return [r[0] for r in runs], [r[1] for r in runs], [r[2] for r in runs]


def _fkp_pages(doc: _Doc, plc: bytes, what: str) -> list[bytes]:
    """The 512-byte FKP pages a PlcBte* names."""
    if (len(plc) - 4) % 8:
        raise Declined(f"PlcBte{what} of a size no entry count fits")
    n = (len(plc) - 4) // 8
    pages: list[bytes] = []
    for pn in struct.unpack_from(f"<{n}I", plc, 4 * (n + 1)):
        page = doc.word[(pn & 0x3FFFFF) * 512:(pn & 0x3FFFFF) * 512 + 512]
        if len(page) != 512:
            raise Declined(f"{what} FKP page {pn & 0x3FFFFF} beyond the WordDocument stream")
        pages.append(page)
    return pages


# -- paragraph properties -------------------------------------------------------------------

def _papx_runs(doc: _Doc, plc: bytes) -> tuple[list[int], list[int], list[bytes]]:
    """Every PAPX FKP run: (fc starts, fc ends, grpprl), sorted by fc."""
    return _fkp_runs(doc, plc, "PAPX", 13, _papx_grpprl)


def _papx_grpprl(page: bytes, off: int) -> bytes:
    """A PapxInFkp's grpprl, after its istd: cb words (cb ≠ 0), else cb' words after a 0."""
    cb = page[off]
    grpprl = page[off + 1:off + 1 + 2 * cb - 1] if cb else page[off + 2:off + 2 + 2 * page[off + 1]]
    return grpprl[2:]  # istd


def _sprms(grpprl: bytes) -> list[tuple[int, bytes]]:
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos + 2 <= len(grpprl):
        sprm = _U16.unpack_from(grpprl, pos)[0]
        pos += 2
        spra = sprm >> 13
        if spra != 6:
            size = _OPERAND_SIZE[spra]
        elif sprm in (_T_DEF_TABLE, _T_DEF_TABLE10):
            if pos + 2 > len(grpprl):
                break
            size = _U16.unpack_from(grpprl, pos)[0] + 1
        elif sprm == _P_CHG_TABS and pos < len(grpprl) and grpprl[pos] == 255:
            n_del = grpprl[pos + 1] if pos + 1 < len(grpprl) else 0
            at = pos + 2 + 4 * n_del
            n_add = grpprl[at] if at < len(grpprl) else 0
            size = 2 + 4 * n_del + 1 + 3 * n_add
        else:
            if pos >= len(grpprl):
                break
            size = 1 + grpprl[pos]
        if pos + size > len(grpprl):
            break  # a truncated last sprm: ignored, as Word does
        out.append((sprm, grpprl[pos:pos + size]))
        pos += size
    return out


def _para_sprms(doc: _Doc, fc: int, runs: tuple[list[int], list[int], list[bytes]]) -> list[tuple[int, bytes]]:
    starts, ends, grpprls = runs
    i = bisect.bisect_right(starts, fc) - 1
    if i < 0 or fc >= ends[i]:
        raise Declined(f"paragraph mark at FC {fc} without paragraph properties")
    sprms = _sprms(grpprls[i])
    for sprm, operand in sprms:
        if sprm == _P_HUGE_PAPX:
            at = _U32.unpack_from(operand)[0]
            if doc.data is None or at + 2 > len(doc.data):
                raise Declined("sprmPHugePapx pointing outside the Data stream")
            cb = _U16.unpack_from(doc.data, at)[0]
            if at + 2 + cb > len(doc.data):
                raise Declined("huge PAPX beyond the Data stream")
            return _sprms(doc.data[at + 2:at + 2 + cb])  # PrcData: cbGrpprl, GrpPrl
    return sprms


# -- structure -----------------------------------------------------------------------------

def _scan(text: str, astral: list[int]) -> list[tuple[str, str, int]]:
    """Paragraphs of the main text: (text with '\\n' line breaks, terminator, cp of the
    terminator); field instructions (0x13 … 0x14) dropped, results (0x14 … 0x15) kept."""
    paras: list[tuple[str, str, int]] = []
    buf: list[str] = []
    fields: list[bool] = []  # per open field: in its result yet?
    start = 0
    for cp, ch in enumerate(text):
        if ch >= " " and ch != "\xa0":
            continue
        if start < cp and all(fields):
            buf.append(text[start:cp])
        start = cp + 1
        if ch in (_PARA_END, _CELL_END):
            paras.append(("".join(buf).translate(_CHAR_MAP), ch, cp + bisect.bisect(astral, cp)))
            buf = []
        elif ch == "\x13":
            fields.append(False)
        elif ch == "\x14":
            if fields:
                fields[-1] = True
        elif ch == "\x15":
            if fields:
                fields.pop()
        elif ch == "\x0c" and not fields:
            paras.append(("".join(buf).translate(_CHAR_MAP), ch, cp + bisect.bisect(astral, cp)))
            buf = []
        elif all(fields):
            buf.append(ch)
    if start < len(text) and all(fields):
        buf.append(text[start:])
    if buf and "".join(buf).translate(_CHAR_MAP).strip():
        paras.append(("".join(buf).translate(_CHAR_MAP), _PARA_END, -1))  # no mark: no properties
    return paras


def _lines(text: str) -> list[str]:
    return [t for t in (clean(x) for x in text.split(_LINE)) if t]


def _blocks(doc: _Doc, text: str, runs: tuple[list[int], list[int], list[bytes]]) -> list[Block]:
    starts = [p[0] for p in doc.pieces]
    blocks: list[Block] = []
    rows: list[_Row] = []
    cell: list[str] = []  # lines of the open cell
    cells: list[str] = []  # the open row's finished cells
    budget = limits.current().xml_max_elements
    n_cells = 0
    for k, (para, end, cp) in enumerate(_scan(text, doc.astral)):
        if k % 256 == 0:
            limits.check_time()
        in_table = ttp = False
        if cp >= 0:
            for sprm, operand in _para_sprms(doc, _fc_of(doc, cp, starts), runs):
                if sprm == _P_IN_TABLE:
                    in_table = operand[0] != 0
                elif sprm == _P_TTP:
                    ttp = operand[0] != 0
                elif sprm in (_P_INNER_CELL, _P_INNER_TTP) and operand[0]:
                    raise Declined("nested table")
                elif sprm == _P_ITAP and _i32(operand) > 1:
                    raise Declined("nested table (itap > 1)")
                elif sprm == _P_DTAP and _i32(operand) != 0:
                    raise Declined("nested table (dtap)")
        if not in_table:
            if rows or cells or cell:
                _finish_table(blocks, rows, cells, cell)
                rows, cells, cell = [], [], []
            blocks.extend(Paragraph(line) for line in _lines(para))
            continue
        if ttp:
            if cell or end != _CELL_END:
                raise Declined("row end inside a cell")
            sprms = _para_sprms(doc, _fc_of(doc, cp, starts), runs)
            rows.append(_Row(cells, sprms))
            n_cells += len(cells)
            limits.check(n_cells, budget, "parse_xml_max_elements", "DOC 表格的单元格数",
                         "DOC table cell count")
            cells = []
            continue
        cell.extend(_lines(para))
        if end == _CELL_END:
            cells.append(join(cell))
            cell = []
    if rows or cells or cell:
        _finish_table(blocks, rows, cells, cell)
    return blocks


def _i32(operand: bytes) -> int:
    return int.from_bytes(operand[:4], "little", signed=True)


def _finish_table(blocks: list[Block], rows: list[_Row], cells: list[str], cell: list[str]) -> None:
    if cells or cell:
        raise Declined("table cells after the last row end")
    table = _table(rows)
    if table.rows:
        blocks.append(table)


@dataclass
class _Cell:
    left: int
    right: int
    text: str
    flags: int


def _row_cells(row: _Row) -> list[_Cell]:
    """The row's cells with their boundaries and merge flags, from its TAP sprms; horizontally
    merged cells (fMerged, sprmTMerge) folded into the first."""
    centers: list[int] = []
    flags: list[int] = []
    for sprm, operand in row.tap:
        if sprm in _T_UNSUPPORTED:
            raise Declined(f"table row with {_T_UNSUPPORTED[sprm]}")
        if sprm == _T_DEF_TABLE:
            n = operand[2]
            if len(operand) < 3 + 2 * (n + 1):
                raise Declined("sprmTDefTable shorter than its cell count")
            centers = list(struct.unpack_from(f"<{n + 1}h", operand, 3))
            tcs = operand[3 + 2 * (n + 1):]
            flags = [_U16.unpack_from(tcs, 20 * i)[0] if 20 * i + 2 <= len(tcs) else 0
                     for i in range(n)]
        elif sprm == _T_VERT_MERGE and len(operand) >= 3 and operand[1] < len(flags):
            itc, vm = operand[1], operand[2]
            flags[itc] = (flags[itc] & ~(_VERT_MERGE | _VERT_RESTART)
                          | (_VERT_MERGE if vm & 1 else 0) | (_VERT_RESTART if vm & 2 else 0))
        elif sprm in (_T_MERGE, _T_SPLIT) and len(operand) >= 2:
            first, lim = operand[0], min(operand[1], len(flags))
            for itc in range(first, lim):
                flags[itc] &= ~(_FIRST_MERGED | _MERGED)
                if sprm == _T_MERGE:
                    flags[itc] |= _FIRST_MERGED if itc == first else _MERGED
    if not centers:
        raise Declined("table row without sprmTDefTable")
    if len(row.cells) != len(flags):
        raise Declined(f"table row with {len(row.cells)} cells, {len(flags)} defined")
    if any(b < a for a, b in zip(centers, centers[1:])):
        raise Declined("table row with cell boundaries out of order")
    out: list[_Cell] = []
    for i, text in enumerate(row.cells):
        if flags[i] & _MERGED and not flags[i] & _FIRST_MERGED and out:
            out[-1].right = centers[i + 1]
            continue
        out.append(_Cell(centers[i], centers[i + 1], text, flags[i]))
    return out


def _table(rows: list[_Row]) -> Table:
    """Rows → the grid of word._table: the union of the cell boundaries are the columns."""
    shaped = [_row_cells(r) for r in rows]
    col = _columns({e for cells in shaped for c in cells for e in (c.left, c.right)})
    texts: list[list[str]] = []
    merged: list[list[bool]] = []
    for k, cells in enumerate(shaped):
        if k % 256 == 0:
            limits.check_time()
        row: list[str] = []
        marks: list[bool] = []
        if cells:
            row.extend([""] * col[cells[0].left])
            marks.extend([False] * col[cells[0].left])
        for c in cells:
            span = max(col[c.right] - col[c.left], 1)
            pos = len(row)
            if c.flags & _VERT_MERGE and not c.flags & _VERT_RESTART and texts:
                above = texts[-1]
                text, copy = (above[pos] if pos < len(above) else ""), True
            else:
                text, copy = c.text, False
            row.extend([text] * span)
            marks.extend([copy] + [True] * (span - 1))
        texts.append(row)
        merged.append(marks)
    return word_table(texts, merged)


# Cell edges this close are one column edge: a writer that ends a merged header a twip or two
# short of the column below it (LibreOffice's DOC export does, 1 twip on seed 004's table 4)
# must not cut a sliver column that takes the header's figure away from its column. 20 twips
# is 0.35 mm, far below any real column's width. (LibreOffice keeps such slivers.)
SNAP_TWIPS = 20


def _columns(edges: set[int]) -> dict[int, int]:
    """Each cell edge → its grid column edge index, edges within SNAP_TWIPS of the previous
    column edge joined to it."""
    col: dict[int, int] = {}
    last, n = None, -1
    for e in sorted(edges):
        if last is None or e - last > SNAP_TWIPS:
            last, n = e, n + 1
        col[e] = n
    return col


# -- metadata ------------------------------------------------------------------------------

def _title(ole: olefile.OleFileIO) -> str | None:
    """The SummaryInformation title, with word._core_title's rule (a report's title names 报告).
    Read here rather than with olefile's get_metadata, whose property parser loops over any
    vector count a damaged stream claims (minutes, and memory, for four bytes)."""
    if not ole.exists("\x05SummaryInformation"):
        return None
    try:
        title = _summary_title(_stream(ole, "\x05SummaryInformation"))
    except (struct.error, ValueError, OSError):  # a damaged property set: the text is still good
        return None
    title = clean((title or "").replace("\x00", ""))
    return title if ("报告" in title or "報告" in title) else None


def _summary_title(s: bytes) -> str | None:
    """PIDSI_TITLE of the first property section ([MS-OLEPS]), decoded by its code page."""
    section = _U32.unpack_from(s, 44)[0]
    count = min(_U32.unpack_from(s, section + 4)[0], (len(s) - section) // 8)
    props = {}
    for i in range(count):
        pid, off = struct.unpack_from("<II", s, section + 8 + 8 * i)
        props[pid] = section + off
    codepage = 1252
    if 1 in props and _U32.unpack_from(s, props[1])[0] == 2:  # PID_CODEPAGE, VT_I2
        codepage = _U16.unpack_from(s, props[1] + 4)[0]
    if 2 not in props:
        return None
    at = props[2]
    vt, size = struct.unpack_from("<II", s, at)
    if vt == 0x1F:  # VT_LPWSTR: characters
        return s[at + 8:at + 8 + 2 * size].decode("utf-16-le", "replace")
    if vt != 0x1E:  # VT_LPSTR: bytes in the code page
        return None
    raw = s[at + 8:at + 8 + size]
    codec = {65001: "utf-8", 1200: "utf-16-le"}.get(codepage, f"cp{codepage}")
    try:
        return raw.decode(codec, "replace")
    except LookupError:
        return raw.decode("cp1252", "replace")
