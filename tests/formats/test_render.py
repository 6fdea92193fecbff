"""Renderers: every format, deterministic, the official table layout, traditional script."""

from __future__ import annotations

import re

import pytest

from nianbao.tables import layout_grid, table3
from simweb.render import FORMATS, RenderError, render_report


@pytest.mark.parametrize("fmt", ["html", "txt", "docx", "pdf"])
def test_deterministic(report, rendered, fmt):
    assert render_report(report, fmt) == rendered(fmt)


def test_html_fragment_has_official_spans(rendered):
    html = rendered("html").decode("utf-8")
    assert html.startswith('<div class="article">') and "<h1>" in html
    assert 'rowspan="22"' in html  # 三、本年度办理结果 covers 22 result rows
    assert 'rowspan="8"' in html and 'colspan="7"' in html and 'colspan="10"' in html
    assert len(re.findall(r"<table", html)) == 3


def test_table3_layout_is_a_full_grid(report):
    texts, merged, _ = layout_grid(table3(report))
    assert len(texts) == 28 and {len(r) for r in texts} == {10}
    assert texts[5][0] == "三、本年度办理结果" and merged[6][0]


def test_txt_is_tab_rows_like_seed_000(rendered):
    lines = rendered("txt").decode("utf-8").splitlines()
    row = next(ln for ln in lines if ln.startswith("一、本年新收"))
    assert row.split("\t")[3:] == [str(v) for v in range(100, 107)]


def test_traditional_script(rendered):
    text = rendered("html", script="traditional").decode("utf-8")
    assert "政府信息公開工作年度報告" in text and "报告" not in text


def test_blank_cells_and_missing_tables(report):
    r = dict(report, appeals=None)
    r["applications"] = {k: dict(v) for k, v in report["applications"].items()}
    r["applications"]["new"]["total"] = None
    html = render_report(r, "html").decode()
    assert html.count("<table") == 2
    assert "<td><p></p></td>" in html


def test_bad_arguments(report):
    with pytest.raises(RenderError):
        render_report(report, "xls")
    with pytest.raises(RenderError):
        render_report(report, "html", script="cyrillic")
    assert set(FORMATS) == {"html", "docx", "doc", "pdf", "png", "txt"}
