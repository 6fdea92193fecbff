"""Above TOTAL_LIMIT matches, the total and the facet counts are estimated from a sample."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from indexer import search as s


@pytest.fixture()
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # the shared test corpus has ~400 documents: make "many" mean more than 50
    monkeypatch.setattr(s, "TOTAL_LIMIT", 50)
    monkeypatch.setattr(s, "SAMPLE_DOCS", 150)
    s._DOC_COUNTS.clear()


def test_big_result_sets_are_estimated(es, indexed: str, gen_docs: list[dict[str, Any]], small_limits: None) -> None:
    res = s.search(es, indexed, "", size=20)
    n = len(gen_docs)
    assert not res.total_exact and res.facets_sampled
    assert 0.6 * n <= res.total <= 1.4 * n
    assert len(res.hits) == 20 and res.next_cursor is None  # page 2 is reachable by number
    years = {b["value"]: b["count"] for b in res.facets["year"]}
    truth = Counter(d["year"] for d in gen_docs)
    assert set(years) <= set(truth) and 0.6 * n <= sum(years.values()) <= 1.4 * n
    # a selection: the selected facet is estimated on its own sample too
    res = s.search(es, indexed, "", size=5, filters={"year": [2022]})
    assert {b["value"] for b in res.facets["year"] if b["selected"]} == {2022}
    assert all(h["year"] == 2022 for h in res.hits)


def test_small_result_sets_stay_exact(es, indexed: str, gen_docs: list[dict[str, Any]], small_limits: None) -> None:
    res = s.search(es, indexed, "county:测试县", size=20)
    expected = [d for d in gen_docs if d["norm"]["county"] == "测试县"]  # 測試縣 too
    assert res.total_exact and not res.facets_sampled and res.total == len(expected)
    assert {b["value"]: b["count"] for b in res.facets["year"]} == dict(Counter(d["year"] for d in expected))


def test_an_index_too_small_to_sample_counts_facets_exactly(
        es, indexed: str, gen_docs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    # more matches than TOTAL_LIMIT, but the index is under 2 x SAMPLE_DOCS: the stopped count
    # is sent again without a bound instead of on a sample, and gives the exact total too
    monkeypatch.setattr(s, "TOTAL_LIMIT", 50)
    monkeypatch.setattr(s, "SAMPLE_DOCS", 100_000)
    s._DOC_COUNTS.clear()
    res = s.search(es, indexed, "", size=5)
    assert not res.facets_sampled and res.total_exact and res.total == len(gen_docs)
    assert not s.search(es, indexed, "", size=5, facets=False).total_exact  # no count: a bound
    years = {b["value"]: b["count"] for b in res.facets["year"]}
    assert years == dict(Counter(d["year"] for d in gen_docs))
