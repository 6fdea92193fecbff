"""The native Word 97–2003 reader (indexer.parse.formats.msdoc) against LibreOffice.

LibreOffice-written reports (simweb renders the DOCX and LibreOffice saves it as .doc) must give
exactly the blocks and the parsed report of the LibreOffice path (soffice → DOCX →
word.extract_docx); real Word files (Apache Tika's, tests/vendor/tika) the same paragraphs and
tables, or a decline that leaves them to LibreOffice; damaged or hostile files a fast decline.
Each document goes through LibreOffice once per module (≈1–2 s a run).
"""

from __future__ import annotations

import io
import json
import random
import struct
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import olefile
import pytest

from indexer.parse import build_report
from indexer.parse.blocks import Extracted, Paragraph, Table
from indexer.parse.formats import FormatError, convert, extract, limits
from indexer.parse.formats.convert import ConversionError, extract_legacy, soffice_convert
from indexer.parse.formats.msdoc import Declined, extract_doc, read_doc
from indexer.parse.formats.word import extract_docx
from nianbao.settings import get_settings
from simweb.render import render_report
from tests.formats.fixtures import numbered
from tests.formats.tools import require_soffice

TIKA = Path(__file__).resolve().parents[1] / "vendor" / "tika"
EXPECTED = Path(__file__).resolve().parents[1] / "parser" / "expected"


def _seed(name: str) -> dict:
    return dict(json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8")), text="")


# Report variants: every cell numbered (simplified and traditional script), seed 001 (sums that
# do not add up, a blank cell: findings) and seed 004 (a zero report of another year and place).
REPORTS = {
    "numbered": (numbered, "simplified"),
    "numbered-traditional": (numbered, "traditional"),
    "seed001": (lambda: _seed("001"), "simplified"),
    "seed004": (lambda: _seed("004"), "simplified"),
}


def soffice_path(data: bytes, kind: str = "doc") -> Extracted:
    """What extract_legacy did before the native reader: LibreOffice → DOCX → word."""
    return extract_docx(soffice_convert(data, kind, "docx"), fmt=kind)


def shape(ex: Extracted) -> list[tuple]:
    return [("table", b.rows, b.merged) if isinstance(b, Table) else ("p", b.text)
            for b in ex.blocks]


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[bytes, Extracted, Extracted]]:
    """name → (.doc bytes, native blocks, LibreOffice blocks)."""
    require_soffice()
    out = {}
    for name, (make, script) in REPORTS.items():
        data = render_report(make(), "doc", script=script)
        out[name] = (data, read_doc(data), soffice_path(data))
    return out


def source_docx(name: str) -> Extracted:
    """The DOCX each .doc was exported from (simweb renders a DOCX, LibreOffice makes the .doc)."""
    make, script = REPORTS[name]
    return extract_docx(render_report(make(), "docx", script=script))


def _header_row(ex: Extracted) -> list[str]:
    return [b for b in ex.blocks if isinstance(b, Table)][2].rows[0]


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_blocks_equal_the_source(reports, name):
    """Paragraphs (exact text, no normalisation), tables (rows and merged marks) and the title
    are those of the DOCX the .doc was exported from — and LibreOffice's reading of the .doc,
    except one header cell: the export ends table 4's 行政复议 header 1 twip short of the 总计
    column below it; LibreOffice keeps that sliver and hands 总计's header to 行政诉讼, the
    native reader joins edges within SNAP_TWIPS."""
    data, native, office = reports[name]
    assert native.format == office.format == "doc"
    assert native.title == office.title and "报告" in (native.title or "") + (native.title or "").replace("報", "报")
    assert shape(native) == shape(source_docx(name))
    tables = [b for b in native.blocks if isinstance(b, Table)]
    assert [len(t.rows[0]) for t in tables] == [4, 10, 15]
    assert any(any(row) for t in tables for row in t.merged)  # merged header cells came through
    review, lawsuit = _header_row(native)[0], _header_row(native)[5]
    assert _header_row(native) == [review] * 5 + [lawsuit] * 10
    assert _header_row(office) == [review] * 4 + [lawsuit] * 11
    assert [b for b in shape(native) if b[0] == "p"] == [b for b in shape(office) if b[0] == "p"]
    assert [b for b in shape(native) if b[0] == "table"][:2] == [b for b in shape(office) if b[0] == "table"][:2]


@pytest.mark.parametrize("name", list(REPORTS))
def test_parsed_report_identical(reports, name):
    """The whole report JSON — figures, findings, year, place, dates — from either path."""
    _data, native, office = reports[name]
    got, ref = build_report(native).to_json(), build_report(office).to_json()
    assert got == dict(build_report(source_docx(name)).to_json(), format="doc")
    if name != "seed004":
        assert got == ref  # the misplaced header costs LibreOffice's reading nothing here
    if name == "seed001":
        facts = _seed("001")
        for key in ("title", "organ", "place", "county", "year", "template", "narrative", "active",
                    "applications", "appeals"):
            assert got[key] == facts[key], key
        assert sorted(f["code"] for f in got["findings"]) == sorted(f["code"] for f in facts["findings"])
    elif name == "seed004":
        # LibreOffice's DOCX → DOC export ends table 4's 行政复议 header cell 1 twip short of the
        # 总计 column below it. LibreOffice reading it back keeps that sliver column and loses
        # appeals.review.total (a BLANK_CELL finding); the native reader joins edges within
        # SNAP_TWIPS and reads the table as it was written — everything else is the same.
        facts = _seed("004")
        for key in ("title", "place", "county", "year", "narrative", "active", "applications", "appeals"):
            assert got[key] == facts[key], key
        assert "BLANK_CELL" in {f["code"] for f in ref["findings"]}
        assert "BLANK_CELL" not in {f["code"] for f in got["findings"]}
        assert {k: v for k, v in got.items() if k not in ("appeals", "findings", "finding_codes")} == \
            {k: v for k, v in ref.items() if k not in ("appeals", "findings", "finding_codes")}


def test_native_reader_is_the_first_path(reports, monkeypatch):
    """extract() reads a .doc (and a Word 97 .wps) without starting LibreOffice."""
    data, native, _office = reports["numbered"]

    def no_soffice(*_a, **_k):
        raise AssertionError("LibreOffice started although the native reader reads this file")

    monkeypatch.setattr(convert, "soffice_convert", no_soffice)
    ex = extract(data, filename="report.doc")
    assert shape(ex) == shape(native) == shape(source_docx("numbered")) and ex.format == "doc"
    wps = extract(data, filename="report.wps")
    assert wps.format == "wps" and shape(wps) == shape(native)


def test_setting_forces_libreoffice(reports, monkeypatch):
    """doc_reader=soffice: the native reader is never called, LibreOffice reads the file."""
    data, _native, office = reports["seed001"]

    def no_native(*_a, **_k):
        raise AssertionError("native reader called with doc_reader=soffice")

    monkeypatch.setattr(convert, "extract_doc", no_native)
    monkeypatch.setenv("NIANBAO_DOC_READER", "soffice")
    get_settings.cache_clear()
    try:
        assert get_settings().doc_reader == "soffice"
        ex = extract_legacy(data, "doc")
    finally:
        monkeypatch.delenv("NIANBAO_DOC_READER")
        get_settings.cache_clear()
    assert shape(ex) == shape(office)


# -- real Word files (Apache Tika's test documents) ----------------------------------------

# Read natively: the same paragraphs in order (exact text) and the same tables as LibreOffice.
TIKA_EQUAL = ["test.doc", "testWORD_tabular_symbol.doc", "testMSEquation-govdocs-863534.doc"]
# Declined, with the reason; LibreOffice still reads them.
TIKA_DECLINED = {
    "testWORD6.doc": "Word 6/95",
    "testWORD.doc": "nested table",
    "testWORD_various.doc": "text boxes",
}


@pytest.fixture(scope="module")
def tika_office() -> dict[str, Extracted]:
    require_soffice()
    return {name: soffice_path((TIKA / name).read_bytes())
            for name in TIKA_EQUAL + ["testException2.doc"] + list(TIKA_DECLINED)}


@pytest.mark.parametrize("name", TIKA_EQUAL)
def test_word_files_equal_libreoffice(tika_office, name):
    native = read_doc((TIKA / name).read_bytes())
    assert shape(native) == shape(tika_office[name])
    assert native.blocks


def test_symbol_font_characters(tika_office):
    """Symbol's β, σ, ° are the private-use code points LibreOffice gives (U+F062, U+F073, U+F0B0)."""
    native = read_doc((TIKA / "testMSEquation-govdocs-863534.doc").read_bytes())
    text = "".join(b.text for b in native.blocks if isinstance(b, Paragraph))
    assert "one \uf062G for the SC" in text and "90\uf0b0" in text and "\uf073T0" in text


def test_word_tables_and_fields(tika_office):
    """testException2: four tables and field results. Three tables equal LibreOffice's; the
    fourth is right-aligned with rows shorter than the table, which LibreOffice pads on the
    left and Word's cell positions (and the native reader) on the right."""
    native = read_doc((TIKA / "testException2.doc").read_bytes())
    office = tika_office["testException2.doc"]
    paras = [b.text for b in native.blocks if isinstance(b, Paragraph)]
    assert paras == [b.text for b in office.blocks if isinstance(b, Paragraph)]
    n_tables = [b for b in native.blocks if isinstance(b, Table)]
    o_tables = [b for b in office.blocks if isinstance(b, Table)]
    assert len(n_tables) == len(o_tables) == 4
    differing = [i for i, (a, b) in enumerate(zip(n_tables, o_tables)) if (a.rows, a.merged) != (b.rows, b.merged)]
    assert differing == [2]
    assert n_tables[2].rows[0] == ["B", ""] and o_tables[2].rows[0] == ["", "B"]
    assert n_tables[2].rows[1:] == o_tables[2].rows[1:]


@pytest.mark.parametrize("name", list(TIKA_DECLINED))
def test_word_files_declined_go_to_libreoffice(tika_office, name):
    data = (TIKA / name).read_bytes()
    with pytest.raises(Declined, match=TIKA_DECLINED[name].split()[0]):
        read_doc(data)
    assert extract_doc(data) is None
    ex = extract_legacy(data, "doc")  # the fallback: LibreOffice, as before
    assert shape(ex) == shape(tika_office[name]) and ex.blocks


def test_encrypted_word_file_declined():
    """Password-protected: declined; LibreOffice cannot open it either (a one-line error)."""
    require_soffice()
    data = (TIKA / "testWORD_protected_passtika.doc").read_bytes()
    with pytest.raises(Declined, match="encrypted"):
        read_doc(data)
    with pytest.raises(ConversionError, match="DOC"):
        extract_legacy(data, "doc")


# -- damaged and hostile files -------------------------------------------------------------

@pytest.fixture(scope="module")
def sample() -> bytes:
    """A LibreOffice-written report (rendered once; the render cache keeps it)."""
    require_soffice()
    return render_report(numbered(), "doc")


def with_stream(data: bytes, name: str, new: bytes, tmp_path: Path) -> bytes:
    """The OLE file with stream `name` overwritten (same size) by `new`."""
    path = tmp_path / "patched.doc"
    path.write_bytes(data)
    ole = olefile.OleFileIO(str(path), write_mode=True)
    ole.write_stream(name, new)
    ole.close()
    return path.read_bytes()


def stream(data: bytes, name: str) -> bytes:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return ole.openstream(name).read()


def declines_fast(data: bytes) -> str:
    """read_doc declines within 0.5 s of CPU and 5 MB of memory; returns the reason."""
    tracemalloc.start()
    t0 = time.process_time()
    try:
        with pytest.raises(Declined) as info:
            read_doc(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.process_time() - t0 < 0.5
    assert peak < 5_000_000 + 4 * len(data)
    return str(info.value)


def test_garbage_and_truncated_files_declined(sample):
    assert "OLE2" in declines_fast(b"\x00garbage" * 100)
    assert "OLE2" in declines_fast(olefile.MAGIC + b"\xff" * 3000)
    for cut in (sample[:512], sample[:len(sample) // 2], sample[:-3000]):
        declines_fast(cut)


def test_ole_without_word_document_declined(sample):
    name = "WordDocument".encode("utf-16-le")
    assert sample.count(name) == 1
    assert "no WordDocument" in declines_fast(sample.replace(name, "WordDocumenX".encode("utf-16-le")))


def _fib(word: bytes, **patch: int) -> bytes:
    """The WordDocument stream with FIB fields changed: ccp_text, fc_clx, lcb_clx, fc_bte, n_fib."""
    out = bytearray(word)
    where = {"n_fib": (0x02, "<H"), "ccp_text": (0x4C, "<i"), "fc_clx": (0x1A2, "<I"),
             "lcb_clx": (0x1A6, "<I"), "fc_bte": (0x102, "<I")}
    for key, value in patch.items():
        off, fmt = where[key]
        struct.pack_into(fmt, out, off, value)
    return bytes(out)


@pytest.mark.parametrize("patch, reason", [
    ({"fc_clx": 0x7FFF_0000}, "CLX"),
    ({"lcb_clx": 0xFFFF_FFF0}, "CLX"),
    ({"ccp_text": 0x7FFF_FFFF}, "ccpText"),
    ({"ccp_text": -5}, "ccpText"),
    ({"fc_bte": 0x7FFF_0000}, "PlcBtePapx"),
    ({"n_fib": 0x68}, "Word 6/95"),
])
def test_fib_pointing_past_its_streams_declined(sample, tmp_path, patch, reason):
    word = stream(sample, "WordDocument")
    assert reason in declines_fast(with_stream(sample, "WordDocument", _fib(word, **patch), tmp_path))


def test_absurd_piece_table_declined(sample, tmp_path):
    """A piece table whose count, CPs or FCs are out of range, or a piece with sprms of its own
    (Prm, left by fast saves; the reader applies only the PAPX pages'): declined, no allocation."""
    word = stream(sample, "WordDocument")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    table = stream(sample, "1Table")
    clx = table[fc_clx:fc_clx + lcb_clx]
    assert clx[0] == 0x02  # LibreOffice writes no Prc
    cases = {
        "prm": clx[:5 + 8 + 6] + struct.pack("<H", 0x0A03) + clx[5 + 8 + 8:],  # a fast save's Prm
        "lcb": struct.pack("<BI", 2, 0xFFFF_FFF0) + clx[5:],
        "cp": clx[:5] + struct.pack("<II", 0, 0x7FFF_FFFF) + clx[13:],
        "fc": clx[:5 + 8 + 2] + struct.pack("<I", 0x3FFF_FFF0) + clx[5 + 8 + 6:],
    }
    for key, bad in cases.items():
        patched = table[:fc_clx] + bad + table[fc_clx + lcb_clx:]
        assert len(patched) == len(table), key
        reason = declines_fast(with_stream(sample, "1Table", patched, tmp_path))
        assert "piece" in reason, (key, reason)


def test_random_damage_never_crashes(sample, tmp_path):
    """Bytes flipped in the FIB, the table stream and the property pages: the reader returns
    blocks or declines — never another exception, never slowly."""
    rng = random.Random(16)
    word, table = stream(sample, "WordDocument"), stream(sample, "1Table")
    for _ in range(60):
        name, buf = rng.choice([("WordDocument", word), ("1Table", table)])
        out = bytearray(buf)
        region = 0x200 if name == "WordDocument" and rng.random() < 0.5 else len(buf)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(region)] = rng.randrange(256)
        data = with_stream(sample, name, bytes(out), tmp_path)
        t0 = time.process_time()
        try:
            ex = read_doc(data)
        except Declined:
            pass
        else:
            assert isinstance(ex.blocks, list)
        assert time.process_time() - t0 < 0.5


def test_damaged_doc_outcome_unchanged(sample):
    """extract_legacy on a truncated .doc: the native reader declines and LibreOffice decides,
    as before (a one-line conversion error, or whatever LibreOffice salvages)."""
    for cut in (sample[:len(sample) // 2], sample[:-3000]):
        assert extract_doc(cut) is None
        outcomes = []
        for read in (soffice_path, lambda d: extract_legacy(d, "doc")):
            try:
                outcomes.append(shape(read(cut)))
            except FormatError as exc:
                assert "\n" not in str(exc) and "DOC" in str(exc)
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1]


def test_damaged_summary_information_costs_only_the_title(sample, tmp_path):
    """A title property claiming a vector of 4 billion empty values (olefile's get_metadata
    loops over such a count for hours, growing a list): the text is read, fast, without a
    title."""
    name = "\x05SummaryInformation"
    info = bytearray(stream(sample, name))
    section = struct.unpack_from("<I", info, 44)[0]
    count = struct.unpack_from("<I", info, section + 4)[0]
    offsets = dict(struct.unpack_from("<II", info, section + 8 + 8 * i) for i in range(count))
    title_at = section + offsets[2]  # PIDSI_TITLE
    struct.pack_into("<II", info, title_at, 0x1000, 0xFFFF_FFF0)  # VT_VECTOR | VT_EMPTY
    data = with_stream(sample, name, bytes(info), tmp_path)
    t0 = time.process_time()
    ex = read_doc(data)
    assert time.process_time() - t0 < 0.5
    assert ex.title is None and shape(ex) == shape(read_doc(sample))
    assert read_doc(sample).title == numbered()["title"]


def test_table_cells_count_against_the_element_limit(sample):
    """Table cells count against parse_xml_max_elements, as DOCX elements do: past it, the
    document is refused (LimitExceeded), not left to LibreOffice."""
    with limits.scope(replace(limits.current(), xml_max_elements=50)):
        with pytest.raises(limits.LimitExceeded, match="parse_xml_max_elements"):
            read_doc(sample)
        with pytest.raises(limits.LimitExceeded):
            extract_doc(sample)
    assert read_doc(sample).blocks  # the default limit: 2,000,000
