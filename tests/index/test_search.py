"""Search against the real Elasticsearch: recall, scripts, widths, filters, facets, paging."""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest

from indexer import search as s
from indexer.query import QUOTES, QuerySyntaxError
from indexer.segment import normalize


def ids(res: s.SearchResult) -> set[str]:
    return {h["id"] for h in res.hits}


def test_random_substrings_are_all_found(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    """100% recall: any 2–8 character substring of a report's text, typed as a phrase."""
    rng = random.Random(5)
    misses = []
    for _ in range(120):
        doc = rng.choice(gen_docs)
        text = doc["text"]
        n = rng.randint(2, 8)
        start = rng.randrange(0, max(len(text) - n, 1))
        sub = text[start:start + n]
        if not re.search(r"\w", normalize(sub)) or any(c in QUOTES for c in sub):
            continue
        if doc["id"] not in s.new_matches(es, indexed, f"“{sub}”", [doc["id"]]):
            misses.append(sub)
    assert misses == []


def test_phrase_search_ranks_and_counts(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    expected = {d["id"] for d in gen_docs if "预警信息" in d["text_norm"]}
    res = s.search(es, indexed, '"预警信息"', size=20)
    assert res.total == len(expected) > 0
    assert {d["id"] for d in s.iterate(es, indexed, '"预警信息"')} == expected
    # relevance: scores never increase down the list
    scores = [h["score"] for h in res.hits]
    assert scores == sorted(scores, reverse=True)
    # word query that is not a substring anywhere finds nothing
    assert s.search(es, indexed, "量子纠缠超导").total == 0


def test_simplified_and_traditional_match_both_ways(es, indexed: str) -> None:
    # traditional document, simplified query
    assert "sp-trad-2024" in ids(s.search(es, indexed, "政府信息公开申请 强化监督"))
    assert "sp-trad-2024" in ids(s.search(es, indexed, '"发扬蹈厉"'))
    # simplified document, traditional query
    assert "sp-simp-2024" in ids(s.search(es, indexed, "開門見山 認真處理"))
    # field filters too
    assert "sp-trad-2024" in ids(s.search(es, indexed, "county:测试县 place:东风"))


def test_full_and_half_width_match_both_ways(es, indexed: str) -> None:
    for q in ['"2023年共公开abc类"', '"２０２３年"', "ＷＸＹＺ", '"wxyz 编号 5678"', "５６７８", "1234条"]:
        assert s.new_matches(es, indexed, q, ["sp-wide-2023"]) == ["sp-wide-2023"], q
    assert s.new_matches(es, indexed, '"2023年共公开abd类"', ["sp-wide-2023"]) == []


def test_highlights_are_html_safe(es, indexed: str) -> None:
    res = s.search(es, indexed, '"注入测试"')
    [hit] = res.hits
    html = " ".join(hit["highlight"])
    assert "<mark>注入测试</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "a&amp;b" in html
    # matches in traditional documents are marked in the (simplified) normalised text
    hit = next(h for h in s.search(es, indexed, "開門見山").hits)
    assert "<mark>开门见山</mark>" in " ".join(hit["highlight"])


def _count(docs: list[dict[str, Any]], pred) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for d in docs if pred(d))


def _fig(d: dict[str, Any], path: str) -> Any:
    for p in path.split("."):
        d = (d or {}).get(p)
    return d


@pytest.mark.parametrize(("q", "pred"), [
    ("applications.new.total>0", lambda d: (_fig(d, "applications.new.total") or 0) > 0),
    ("appeals.review.corrected>=1", lambda d: (_fig(d, "appeals.review.corrected") or 0) >= 1),
    ("applications.new.natural_person>=2 year:2021..2023",
     lambda d: (_fig(d, "applications.new.natural_person") or 0) >= 2 and 2021 <= d["year"] <= 2023),
    ("finding:T3_BALANCE", lambda d: "T3_BALANCE" in d["finding_codes"]),
    ("late:true", lambda d: d.get("timeliness") == "late"),
    ("late:false year:2024", lambda d: d.get("timeliness") == "on_time" and d["year"] == 2024),
    ("published:2022-02-01..2022-03-31",
     lambda d: bool(d.get("published")) and "2022-02-01" <= d["published"][:10] <= "2022-03-31"),
    ("year:2022 NOT 教育局", lambda d: d["year"] == 2022 and "教育局" not in d["text_norm"]),
    ("(教育局 OR 财政局) 且 narrative.proactive_items>500",
     lambda d: ("教育局" in d["text_norm"] or "财政局" in d["text_norm"])
     and (_fig(d, "narrative.proactive_items.value") or 0) > 500),
])
def test_filters_match_python_counts(es, indexed: str, gen_docs: list[dict[str, Any]], q: str, pred) -> None:  # type: ignore[no-untyped-def]
    expected = _count(gen_docs, pred)
    assert s.search(es, indexed, q, size=1).total == expected, q


def test_facets_match_python_counts(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    res = s.search(es, indexed, "", size=1)
    assert res.total == len(gen_docs)
    years = {b["value"]: b["count"] for b in res.facets["year"]}
    assert years == dict(Counter(d["year"] for d in gen_docs))
    findings = {b["value"]: b["count"] for b in res.facets["finding"]}
    assert findings == dict(Counter(c for d in gen_docs for c in d["finding_codes"]))
    timeliness = {b["value"]: b["count"] for b in res.facets["timeliness"]}
    assert timeliness == dict(Counter(d["timeliness"] for d in gen_docs if d.get("timeliness")))
    provinces = {b["value"]: b["count"] for b in res.facets["province"]}
    # reports without a province are counted under UNKNOWN: the buckets add up to the total
    assert provinces == dict(Counter(d.get("province") or s.UNKNOWN for d in gen_docs))
    assert sum(provinces.values()) == res.total


def test_selected_facets_post_filter(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    """A selected facet filters the hits and the other facets, but keeps its own counts."""
    sel = {"year": [2022, 2023], "timeliness": ["late"]}
    res = s.search(es, indexed, "", size=1, filters=sel)
    chosen = [d for d in gen_docs if d["year"] in (2022, 2023) and d.get("timeliness") == "late"]
    assert res.total == len(chosen)
    years = {b["value"]: b["count"] for b in res.facets["year"]}
    assert years == dict(Counter(d["year"] for d in gen_docs if d.get("timeliness") == "late"))
    assert {b["value"] for b in res.facets["year"] if b["selected"]} == {2022, 2023}
    tl = {b["value"]: b["count"] for b in res.facets["timeliness"]}
    assert tl == dict(Counter(d["timeliness"] for d in gen_docs if d["year"] in (2022, 2023) and d.get("timeliness")))
    counties = {b["value"]: b["count"] for b in res.facets["county"]}
    expected = Counter(d["county"] for d in chosen)
    assert all(counties[k] == v for k, v in counties.items() for _ in [0] if k in expected)
    assert sum(counties.values()) == sum(expected[k] for k in counties)
    with pytest.raises(s.SearchError):
        s.search(es, indexed, "", filters={"colour": ["red"]})


def test_sorting(es, indexed: str) -> None:
    res = s.search(es, indexed, "year:2023", size=50, sort="date")
    dates = [h["published"] for h in res.hits if h["published"]]
    assert dates == sorted(dates, reverse=True)
    res = s.search(es, indexed, "year:2023", size=50, sort="place")
    keys = [(h["province"] or "", h["city"] or "") for h in res.hits if h["province"]]
    assert keys == sorted(keys)
    with pytest.raises(s.SearchError):
        s.search(es, indexed, "", sort="colour")


def test_cursor_and_point_in_time_iteration(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    expected = {d["id"] for d in gen_docs if d["year"] == 2024}
    seen: list[str] = []
    cursor = None
    while True:
        res = s.search(es, indexed, "year:2024", size=17, sort="date", cursor=cursor, facets=False, window=0)
        seen += [h["id"] for h in res.hits]
        if not res.next_cursor:
            break
        cursor = res.next_cursor
    assert len(seen) == len(set(seen)) and set(seen) == expected
    it = [d["id"] for d in s.iterate(es, indexed, "year:2024", batch=13)]
    assert len(it) == len(set(it)) and set(it) == expected
    with pytest.raises(s.SearchError):
        s.search(es, indexed, "", page=1000, size=20)


def test_stats_match_python(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    out = s.stats(es, indexed, "applications.new.total", by="province", split="year", size=50)
    by_prov: Counter[str] = Counter()
    by_prov_year: Counter[tuple[str, int]] = Counter()
    for d in gen_docs:
        v = _fig(d, "applications.new.total")
        if d.get("province") and v is not None:
            by_prov[d["province"]] += v
            by_prov_year[(d["province"], d["year"])] += v
    got = {b["key"]: b["sum"] for b in out["buckets"]}
    assert got == {k: float(v) for k, v in by_prov.items()} or all(got[k] == by_prov[k] for k in got)
    for b in out["buckets"]:
        for sb in b["split"]:
            assert sb["sum"] == by_prov_year[(b["key"], sb["key"])]
    one_year = s.stats(es, indexed, "applications.new.total", by="county", year=2024)
    assert sum(b["count"] for b in one_year["buckets"]) <= sum(1 for d in gen_docs if d["year"] == 2024)
    with pytest.raises(s.SearchError):
        s.stats(es, indexed, "applications.new.totl")


def test_get_report_and_new_matches(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    doc = gen_docs[3]
    got = s.get_report(es, indexed, doc["id"])
    assert got["title"] == doc["title"] and got["applications"] == doc["applications"]
    assert "text_seg" not in got
    assert s.get_report(es, indexed, "no-such-id") is None
    some = [d["id"] for d in gen_docs[:60]]
    want = [d["id"] for d in gen_docs[:60] if "教育局" in d["text_norm"] and d["year"] >= 2022]
    assert sorted(s.new_matches(es, indexed, "教育局 year>=2022", some)) == sorted(want)


def test_bad_queries_raise_usage_errors(es, indexed: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        s.search(es, indexed, "信息 AND (公开")
    assert info.value.column == 8


def test_relevance_pages_then_cursor_cover_every_match(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    """Numbered pages of a text query are sorted by score alone (fast); the page at the window
    hands out a cursor and the cursor pages continue in (score, date, id) order. Every match is
    seen; only documents with exactly the seam's score may show twice."""
    q, size, window = "政务公开", 7, 21
    assert s.build_searches(q, resumable=False)[0]["sort"] == s.FAST_RELEVANCE
    assert s.build_searches(q, resumable=True)[0]["sort"] == s.SORTS["relevance"]
    assert s.build_searches("year:2023", resumable=False)[0]["sort"] == s.SORTS["relevance"]
    total = s.search(es, indexed, q, size=1, facets=False).total
    assert 3 * size < total <= s.TOTAL_LIMIT
    seen: list[tuple[str, float]] = []
    page, cursor = 1, None
    while True:
        res = s.search(es, indexed, q, page=page, size=size, cursor=cursor, facets=False, window=window)
        seen += [(h["id"], h["score"]) for h in res.hits]
        assert (res.next_cursor is not None) == ((page + 1) * size > window and len(res.hits) == size)
        if page * size < window:
            assert res.next_cursor is None
        if not res.next_cursor:
            if (page + 1) * size > window:
                break
            page += 1
            continue
        cursor, page = res.next_cursor, page + 1
    scores = [sc for _, sc in seen]
    assert scores == sorted(scores, reverse=True)
    ids = [i for i, _ in seen]
    assert set(ids) == set(s.new_matches(es, indexed, q, [d["id"] for d in gen_docs]))
    seam = seen[window - 1][1]
    assert all(sc == seam for i, sc in seen if ids.count(i) > 1)


def test_filter_only_relevance_pages_are_exact_across_the_seam(es, indexed: str, gen_docs: list[dict[str, Any]]) -> None:
    ids: list[str] = []
    page, cursor = 1, None
    while True:
        res = s.search(es, indexed, "year:2023", page=page, size=9, cursor=cursor, facets=False, window=27)
        ids += [h["id"] for h in res.hits]
        if len(res.hits) < 9:
            break
        cursor, page = res.next_cursor or cursor, page + 1
        if cursor is None and page * 9 > 27:
            break
    assert len(ids) == len(set(ids)) and set(ids) == {d["id"] for d in gen_docs if d["year"] == 2023}


def test_cursor_pages_read_one_point_in_time(es, es_prefix: str) -> None:
    """Past the window the cursor carries a point in time: a report deleted after the cursor
    was handed out still shows on the next page; an expired or mangled point in time falls
    back to the live index; tampered search_after values are a clean SearchError."""
    import base64
    import json as jsonlib

    from bench.gen_corpus import corpus
    from indexer import store

    prefix = f"{es_prefix}-pit"
    store.ensure_indices(es, prefix)
    store.index_reports(es, prefix, [store.build_doc(r, m) for r, m in corpus(30)], refresh=True)
    first = s.search(es, prefix, "", size=5, sort="date", facets=False, window=5)
    after, pit = s._cursor_decode(first.next_cursor or "")
    assert pit and len(after) == len(s.SORTS["date"])
    doomed = s.search(es, prefix, "", size=5, sort="date", facets=False, page=2).hits[0]["id"]
    assert store.delete(es, prefix, [doomed], refresh=True) == 1

    nxt = s.search(es, prefix, "", size=5, sort="date", facets=False, cursor=first.next_cursor, window=5)
    assert nxt.hits[0]["id"] == doomed  # the snapshot, not the live index
    assert s._cursor_decode(nxt.next_cursor or "")[1]  # the point in time goes on

    es.close_point_in_time(id=pit)
    for gone in (first.next_cursor, s._cursor_encode(after, pit[:-8] + "AAAAAAA=")):
        live = s.search(es, prefix, "", size=5, sort="date", facets=False, cursor=gone, window=5)
        assert [h["id"] for h in live.hits][0] != doomed and len(live.hits) == 5

    old_style = base64.urlsafe_b64encode(jsonlib.dumps(after).encode()).decode().rstrip("=")
    assert len(s.search(es, prefix, "", size=5, sort="date", facets=False, cursor=old_style).hits) == 5
    with pytest.raises(s.SearchError):
        s.search(es, prefix, "", size=5, sort="date", facets=False,
                 cursor=s._cursor_encode(["not a date", {"x": 1}, 3]))
