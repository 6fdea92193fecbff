"""Property tests: consistent tables give no error; one changed cell gives exactly the right
findings on the right cells; arbitrary bytes give a Report or ParseError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.parse import ParseError, parse
from indexer.parse.tables import RESULT_ITEMS, T3_COLS, T3_ROWS, T4_GROUPS, T4_OUTCOMES

from .render import render_text

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARTS = T3_COLS[:-1]
small = st.integers(min_value=0, max_value=30)
ENCODINGS = st.sampled_from(["tab", "md", "cells"])


@st.composite
def consistent_t3(draw) -> dict:
    app: dict = {}
    for r in RESULT_ITEMS:
        sparse = draw(st.booleans())
        app[r] = {c: (draw(small) if not sparse or draw(st.integers(0, 4)) == 0 else 0) for c in PARTS}
    app["results_total"] = {c: sum(app[r][c] for r in RESULT_ITEMS) for c in PARTS}
    app["carried_forward"] = {c: draw(small) for c in PARTS}
    app["carried_over"] = {c: min(draw(small), app["results_total"][c] + app["carried_forward"][c]) for c in PARTS}
    app["new"] = {c: app["results_total"][c] + app["carried_forward"][c] - app["carried_over"][c] for c in PARTS}
    for r in T3_ROWS:
        app[r]["total"] = sum(app[r][c] for c in PARTS)
        app[r] = {c: app[r][c] for c in T3_COLS}
    return app


@st.composite
def consistent_t4(draw) -> dict:
    out = {}
    for g in T4_GROUPS:
        vals = {o: draw(st.integers(0, 5)) for o in T4_OUTCOMES[:-1]}
        vals["total"] = sum(vals.values())
        out[g] = vals
    return out


def _errors(report) -> list:
    return [f for f in report.findings if f.severity == "error"]


@SETTINGS
@given(app=consistent_t3(), appeals=consistent_t4(), encoding=ENCODINGS)
def test_consistent_tables_give_no_error(app: dict, appeals: dict, encoding: str) -> None:
    text = render_text(app, appeals, encoding=encoding)
    report = parse(text.encode(), filename=f"r.{'md' if encoding == 'md' else 'txt'}")
    assert report.applications == app
    assert report.appeals == appeals
    assert _errors(report) == []
    assert not [f for f in report.findings if f.severity == "warning"]


@SETTINGS
@given(app=consistent_t3(), appeals=consistent_t4(), encoding=ENCODINGS,
       row=st.sampled_from(T3_ROWS), col=st.sampled_from(T3_COLS), delta=st.integers(1, 9))
def test_one_changed_t3_cell_is_found(app, appeals, encoding, row, col, delta) -> None:
    stated = app["new"]["total"]  # the prose keeps the consistent figure
    app[row][col] += delta
    text = render_text(app, appeals, encoding=encoding, received=stated)
    report = parse(text.encode(), filename=f"r.{'md' if encoding == 'md' else 'txt'}")
    assert report.applications == app
    expected = {"T3_ROW_SUM"}
    if row in RESULT_ITEMS or row == "results_total":
        expected.add("T3_RESULTS_SUM")
    if row in ("new", "carried_over", "results_total", "carried_forward"):
        expected.add("T3_BALANCE")
    if row == "new" and col == "total" and stated != app["new"]["total"] + app["carried_over"]["total"]:
        expected.add("NARRATIVE_MISMATCH")  # the prose states the consistent new total
    errors = _errors(report)
    assert {f.code for f in errors} == expected
    path = f"applications.{row}.{col}"
    for f in errors:
        if f.code != "NARRATIVE_MISMATCH":
            assert path in f.cells, f
    assert len([f for f in errors if f.code == "T3_ROW_SUM"]) == 1
    assert all(len([f for f in errors if f.code == c]) == 1 for c in expected)


@SETTINGS
@given(app=consistent_t3(), appeals=consistent_t4(), group=st.sampled_from(T4_GROUPS),
       outcome=st.sampled_from(T4_OUTCOMES), delta=st.integers(1, 9))
def test_one_changed_t4_cell_is_found(app, appeals, group, outcome, delta) -> None:
    appeals[group][outcome] += delta
    report = parse(render_text(app, appeals).encode(), filename="r.txt")
    errors = _errors(report)
    assert [(f.code, f"appeals.{group}.{outcome}" in f.cells) for f in errors] == [("T4_SUM", True)]


@SETTINGS
@given(app=consistent_t3(), appeals=consistent_t4(), row=st.sampled_from(T3_ROWS),
       col=st.sampled_from(T3_COLS))
def test_a_blank_cell_is_null_and_never_an_error_when_it_could_be_zero(app, appeals, row, col) -> None:
    was = app[row][col]
    app[row][col] = None
    report = parse(render_text(app, appeals, received=app["new"]["total"] or 0).encode(), filename="r.txt")
    assert report.applications[row][col] is None
    blank = [f for f in report.findings if f.code == "BLANK_CELL"]
    assert blank and f"applications.{row}.{col}" in blank[0].cells
    if was == 0:
        assert [f for f in _errors(report) if f.code.startswith("T3_")] == []


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        report = parse(data, filename="x.bin")
    except ParseError:
        return
    assert isinstance(report.to_json(), dict)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("\t\n|#一二三四五六、总计自然人0123456789 （）()<br>年报告镇")),
                    max_size=600))
def test_arbitrary_report_like_text_never_crashes(text: str) -> None:
    for name in ("x.txt", "x.md"):
        try:
            report = parse(text.encode("utf-8"), filename=name)
        except ParseError:
            continue
        assert isinstance(report.to_json(), dict)
