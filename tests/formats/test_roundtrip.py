"""Facts → each format → indexer.parse.parse() → the same facts."""

from __future__ import annotations

import pytest

from indexer.parse import build_report, parse
from indexer.parse.blocks import Table
from indexer.parse.formats import extract
from tests.formats.tools import require_soffice, require_tesseract

T2_TRIPLES = ("regulations", "normative_documents")
T2_SINGLES = ("licensing", "penalty", "enforcement", "fees")


def assert_same_facts(got: dict, expected: dict, *, prose: bool = True) -> None:
    assert got["applications"] == expected["applications"]
    assert got["appeals"] == expected["appeals"]
    for key in T2_TRIPLES:
        assert got["active"][key] == expected["active"][key]
    assert got["year"] == expected["year"]
    if prose:
        assert got["title"].replace(" ", "") == expected["title"].replace(" ", "")
        assert [s["number"] for s in got["sections"]] == [1, 2, 3, 4, 5, 6]
        for s_got, s_exp in zip(got["sections"], expected["sections"], strict=True):
            if s_exp["text"]:
                assert s_exp["text"].split("\n")[-1][:30] in s_got["text"]


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_round_trip(rendered, report, fmt):
    got = parse(rendered(fmt), filename=f"misnamed.{'pdf' if fmt != 'pdf' else 'html'}").to_json()
    assert_same_facts(got, report)


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_table2_single_values_round_trip(rendered, report, fmt):
    """行政许可/处罚/强制/收费: one number spanning three columns (colspan=3)."""
    got = parse(rendered(fmt)).to_json()["active"]
    assert {k: got[k] for k in T2_SINGLES} == {k: report["active"][k] for k in T2_SINGLES}


def test_adapters_give_the_three_grids(rendered, report):
    """The blocks themselves, independent of the parser core: same grid from every format."""
    grids = {}
    for fmt in ("html", "docx", "pdf"):
        tables = [b for b in extract(rendered(fmt)).blocks if isinstance(b, Table)]
        assert [len(t.rows[0]) for t in tables] == [4, 10, 15], fmt
        grids[fmt] = [(t.rows, t.merged) for t in tables]
    assert grids["html"] == grids["docx"] == grids["pdf"]
    t3_rows, t3_merged = grids["html"][1]
    assert t3_rows[3][3:] == [str(v) for v in report["applications"]["new"].values()]
    assert t3_merged[3] == [False, True, True] + [False] * 7


def test_traditional_html_round_trip(rendered, report):
    got = parse(rendered("html", script="traditional")).to_json()
    assert got["script"] == "traditional"
    assert_same_facts(got, report, prose=False)
    assert "報告" in got["title"]


def test_doc_round_trip(rendered, report):
    require_soffice()
    data = rendered("doc")
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    got = parse(data, filename="report.docx").to_json()
    assert got["format"] == "doc"
    assert_same_facts(got, report)


def test_scanned_image_ocr_round_trip(rendered, report):
    """A scanned page: tables found in the pixels, numbers read by Tesseract."""
    require_tesseract()
    ex = extract(rendered("png"), filename="scan.pdf")
    assert ex.ocr and ex.format == "image"
    got = build_report(ex).to_json()  # parse() minus a second OCR run
    assert "年度报告" in got["title"]
    assert got["applications"] == report["applications"]
    assert got["appeals"] == report["appeals"]
    # Tesseract misreads the header 本年废止件数 as 本年记止件数: still the `repealed` column
    assert got["active"] == report["active"]
    t2 = next(b for b in ex.blocks if isinstance(b, Table))
    a = report["active"]
    assert t2.rows[2][1:] == [str(a["regulations"][k]) for k in ("issued", "repealed", "in_force")]
    assert t2.rows[3][1:] == [str(a["normative_documents"][k]) for k in ("issued", "repealed", "in_force")]
    assert [r[1] for r in t2.rows if r[0] in ("行政许可", "行政处罚", "行政强制", "行政事业性收费")] == [
        "15", "27", "8", "1.5"]


def test_pdf_page_without_text_layer_is_ocred():
    """A scanned PDF (an image per page, no text layer) goes through OCR."""
    require_tesseract()
    import io

    from PIL import Image, ImageDraw

    from simweb.render_png import _font

    img = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(img).text((30, 50), "朝阳镇2024年政府信息公开工作年度报告", font=_font(40), fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=150)
    ex = extract(buf.getvalue(), filename="scan.docx")
    assert ex.format == "pdf" and ex.ocr
    text = "".join(b.text for b in ex.blocks if not isinstance(b, Table)).replace(" ", "")
    assert "政府信息公开工作年度报告" in text


def test_doc_antiword_fallback(rendered, report):
    """Without LibreOffice, antiword still gives the prose (text only, tables as tab rows)."""
    require_soffice()  # renders the DOC
    from tests.formats.tools import require

    require("antiword", "antiword")
    from indexer.parse.formats.convert import _antiword

    ex = _antiword(rendered("doc"), "doc")
    got = build_report(ex).to_json()
    assert ex.format == "doc" and got["year"] == report["year"]
    assert "政府信息公开工作年度报告" in got["title"]
