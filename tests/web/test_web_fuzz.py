"""Walk the HTTP API with generated hostile inputs (Hypothesis): whatever the parameters or
the JSON body, the answer is never a 5xx (nor an exception: the test app propagates them)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WALK = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ODD = st.sampled_from([
    "", " ", "0", "-1", "1e30", "1e400", "-1e400", "NaN", "inf", "0x7f", "99999999999999999999",
    "2024.5", "２０２４", "\x00", "\t", "年", "year:99999999999999999999", "year:2024..1e30",
    "appeals.review.corrected>=1e400", "days_late>99999999999999999999", "(((", "\"", "'", "\\",
    "[]", "{}", "a" * 300, "%00", "孟津区", "finding:", "OR", "published>=9999-99-99",
])
VALUE = st.one_of(ODD, st.text(max_size=24), st.integers().map(str))


def params(keys: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(keys), VALUE, max_size=len(keys))


SEARCH_KEYS = ["q", "page", "size", "sort", "year", "province", "city", "county", "finding",
               "timeliness", "facets", "cursor", "format", "fmt"]


@WALK
@given(query=params(SEARCH_KEYS))
def test_api_search_never_5xx(client, query) -> None:
    r = client.get("/api/search", query_string=query)
    assert r.status_code < 500, (query, r.get_data(as_text=True)[:300])


@WALK
@given(query=params(SEARCH_KEYS), path=st.sampled_from(["/search", "/search.json", "/search.csv"]))
def test_search_page_never_5xx(client, query, path) -> None:
    r = client.get(path, query_string=query)
    assert r.status_code < 500, (path, query, r.get_data(as_text=True)[:300])


@WALK
@given(query=params(["metric", "by", "year", "q", "split"]))
def test_api_stats_never_5xx(client, query) -> None:
    r = client.get("/api/stats", query_string=query)
    assert r.status_code < 500, (query, r.get_data(as_text=True)[:300])


@WALK
@given(query=params(["year", "province", "city", "county", "status", "format", "table"]),
       path=st.sampled_from(["/api/compliance", "/compliance", "/compliance.json"]))
def test_compliance_never_5xx(client, query, path) -> None:
    r = client.get(path, query_string=query)
    assert r.status_code < 500, (path, query, r.get_data(as_text=True)[:300])


LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                 ODD, st.text(max_size=12))
JSON = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)
FIELDS = ["kind", "channel", "target", "mode", "label", "params", "q", "year", "codes", "county",
          "publisher_id", "status"]
KNOWN = st.sampled_from(["findings", "saved_search", "region_compliance", "publisher", "feed", "webhook",
                         "chat", "email", "daily", "immediate", "active"])
BODY = st.dictionaries(st.sampled_from(FIELDS), st.one_of(KNOWN, JSON,
                       st.dictionaries(st.sampled_from(["q", "year", "codes", "county", "publisher_id"]), JSON,
                                       max_size=3)), max_size=6)
RAW = st.one_of(BODY.map(json.dumps), JSON.map(json.dumps), st.text(max_size=40),
                st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
                st.sampled_from(['{"year": 1e400}', '{"kind": NaN}', '{"params": {"year": -1e999}}']))


@WALK
@given(raw=RAW)
def test_create_subscription_never_5xx(client, raw) -> None:
    r = client.post("/api/subscriptions", data=raw, content_type="application/json")
    assert r.status_code < 500, (raw[:200], r.get_data(as_text=True)[:300])


@pytest.fixture()
def token(client) -> str:
    r = client.post("/api/subscriptions", json={"kind": "findings", "channel": "feed",
                                                "params": {"codes": "MISSING"}})
    assert r.status_code == 201
    return r.get_json()["token"]


@WALK
@given(raw=RAW)
def test_patch_subscription_never_5xx(client, token, raw) -> None:
    r = client.patch(f"/api/subscriptions/{token}", data=raw, content_type="application/json")
    assert r.status_code < 500, (raw[:200], r.get_data(as_text=True)[:300])
    assert client.get(f"/api/subscriptions/{token}").status_code == 200
