"""The query language parser: structure and positioned errors (no server needed)."""

from __future__ import annotations

import json

import pytest

from indexer.query import Bool, Filter, Not, QuerySyntaxError, parse_query
from nianbao.errors import UsageError


def es(q: str) -> str:
    return json.dumps(parse_query(q).to_es(), ensure_ascii=False)


def test_words_phrases_and_implicit_and() -> None:
    ast = parse_query('信息公开 "依申请 公开"').ast
    assert isinstance(ast, Bool) and ast.op == "AND"
    assert [c.value for c in ast.children] == ["信息公开", "依申请 公开"]
    assert [c.phrase for c in ast.children] == [False, True]


@pytest.mark.parametrize("q", ["a OR b AND c", "a 或 b 且 c", "a || b && c"])
def test_precedence_and_binds_tighter(q: str) -> None:
    ast = parse_query(q).ast
    assert isinstance(ast, Bool) and ast.op == "OR"
    assert isinstance(ast.children[1], Bool) and ast.children[1].op == "AND"


def test_not_forms_and_parentheses() -> None:
    for q in ["NOT 乡镇", "非 乡镇", "-乡镇"]:
        ast = parse_query(q).ast
        assert isinstance(ast, Not) and ast.child.value == "乡镇"
    ast = parse_query("（朝陽鎮 或 孟津） 非 年报").ast  # full-width brackets, Chinese operators
    assert isinstance(ast, Bool) and isinstance(ast.children[0], Bool) and ast.children[0].op == "OR"
    assert ast.children[0].children[0].value == "朝阳镇"  # normalised to simplified
    assert isinstance(ast.children[1], Not)
    # 或/非 inside words are just characters
    assert parse_query("或者 非法").text_terms() == ["或者", "非法"]
    assert parse_query("2024-01").text_terms() == ["2024-01"]


def test_negated_terms_are_not_highlighted() -> None:
    assert parse_query("a NOT (b OR c) d").text_terms() == ["a", "d"]


def test_field_and_figure_filters() -> None:
    q = ("year:2024 county:孟津区 place:朝阳镇 applications.new.total>0 "
         "appeals.review.corrected>=1 finding:t3_balance published:2025-02-01..2025-03-31 late:true")
    ast = parse_query(q).ast
    assert all(isinstance(c, Filter) for c in ast.children)
    body = [c.es for c in ast.children]
    assert body[0] == {"term": {"year": 2024}}
    assert body[1] == {"match_phrase": {"norm.county.chars": "孟津区"}}
    assert body[3] == {"range": {"applications.new.total": {"gt": 0}}}
    assert body[4] == {"range": {"appeals.review.corrected": {"gte": 1}}}
    assert body[5] == {"term": {"finding_codes": "T3_BALANCE"}}
    assert body[6] == {"range": {"published": {"gte": "2025-02-01", "lt": "2025-04-01", "time_zone": "+08:00"}}}
    assert body[7] == {"term": {"timeliness": "late"}}
    assert parse_query("year:2020..2022").ast.es == {"range": {"year": {"gte": 2020, "lte": 2022}}}
    assert parse_query("year>=2022").ast.es == {"range": {"year": {"gte": 2022}}}
    assert parse_query("年份：2023").ast.es == {"term": {"year": 2023}}
    assert parse_query("published:2025-02").ast.es["range"]["published"]["lt"] == "2025-03-01"
    assert parse_query('county:"孟津 区"').ast.es == {"match_phrase": {"norm.county.chars": "孟津 区"}}
    assert parse_query("narrative.proactive_items>100").ast.es == {
        "range": {"narrative.proactive_items.value": {"gt": 100}}}


def test_empty_query_matches_all() -> None:
    assert parse_query("").to_es() == {"match_all": {}}
    assert parse_query("   ").to_es() == {"match_all": {}}


@pytest.mark.parametrize(("q", "column", "needle"), [
    ("(信息公开", 1, "unclosed '('"),
    ("信息公开)", 5, "unmatched ')'"),
    ("AND 信息", 1, "nothing before AND"),
    ("信息 OR", 4, "nothing after OR"),
    ("信息 且", 4, "nothing after AND"),
    ('年报 "依申请', 4, "unclosed quote"),
    ("foo:bar", 1, "unknown field 'foo'"),
    ("applications.new.totl>0", 1, "did you mean applications.new.total"),
    ("appeals.review>1", 1, "unknown figure path"),
    ("year:20x4", 6, "not a number"),
    ("finding:T3_BALANC", 9, "did you mean T3_BALANCE"),
    ("published:2025-13-01", 11, "not a date"),
    ("()", 1, "empty parentheses"),
    ("NOT", 1, "nothing after NOT"),
    ("a 或 或 b", 5, "nothing before OR"),
    ("late:maybe", 6, "true or false"),
    ("county:", 8, "missing value"),
    ('""', 1, "empty phrase"),
    ("organ>3", 1, "cannot be compared"),
])
def test_errors_point_at_the_column(q: str, column: int, needle: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(q)
    err = info.value
    assert isinstance(err, UsageError)  # a usage error (exit 2 / HTTP 400), never a server error
    assert err.column == column, str(err)
    assert needle in str(err)
    assert f"第 {column} 列" in str(err) and "\n" not in str(err)
    assert err.caret().splitlines()[1].endswith("^")
    assert err.to_dict()["position"] == column - 1


def test_text_terms_are_normalised() -> None:
    assert parse_query("＂ＡＢＣ類＂").text_terms() == ["abc类"]


@pytest.mark.parametrize("code", ["FIGURE_JUMP", "DATE_CONFLICT", "UNCHECKED", "T3_BALANCE", "BACKDATED"])
def test_every_catalogued_finding_is_searchable(code: str) -> None:
    from nianbao.findings import FINDINGS

    assert code in FINDINGS
    assert f'"finding_codes": "{code}"' in es(f"finding:{code}")
