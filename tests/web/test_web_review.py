"""Review: login, CSRF, confirm/dismiss a finding, correct a cell — re-indexed, original kept,
audit trail on the report page."""

from __future__ import annotations

import pytest

from .conftest import CORPUS, TODAY, csrf_of, fill_db, index_corpus, login


@pytest.fixture()
def rclient(settings, es, es_prefix):
    from web import create_app

    prefix = f"{es_prefix}-review"
    from indexer import store

    store.drop_all(es, prefix)
    docs = index_corpus(es, prefix, [CORPUS[0]])
    s = settings.model_copy(update={"es_index_prefix": prefix, "admin_password": "test-pass-123"})
    fill_db(s.database_url)
    app = create_app({"TESTING": True, "NIANBAO_SETTINGS": s, "NIANBAO_ES": es, "NIANBAO_TODAY": TODAY})
    return app.test_client(), docs[0]["id"], prefix


def test_forms_need_csrf_and_login(rclient):
    client, rid, _ = rclient
    # no token: rejected even before the login check
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.new.total", "value": "3", "reason": "x"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    r = client.post("/login", data={"username": "admin", "password": "test-pass-123"})
    assert r.status_code == 400
    # token but no login: sent to the login page
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.new.total", "value": "3",
                                                     "reason": "x", "csrf_token": token})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    bad = client.post("/login", data={"username": "admin", "password": "wrong", "csrf_token": token})
    assert bad.status_code == 401


def test_correct_cell_and_dismiss_finding(rclient, es):
    client, rid, prefix = rclient
    login(client)
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "更正单元格" in page
    token = csrf_of(page)
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.new.natural_person", "value": "2",
                                                     "reason": "原件扫描件上为 2", "csrf_token": token})
    assert r.status_code == 302
    src = es.get(index=f"{prefix}-reports", id=rid)["_source"]
    assert src["applications"]["new"]["natural_person"] == 2
    assert src["review_original"]["values"]["applications.new.natural_person"] is None  # the parse kept
    assert src["corrections"][0]["user"] == "admin"
    # dismiss the finding: gone from the facets' codes, listed as dismissed
    r = client.post(f"/reports/{rid}/review", data={"key": "T3_ROW_SUM@applications.new.natural_person,applications.new.total",
                                                    "decision": "dismiss", "reason": "更正后已平衡", "csrf_token": token})
    assert r.status_code == 302
    src = es.get(index=f"{prefix}-reports", id=rid)["_source"]
    assert "T3_ROW_SUM" not in src["finding_codes"] and src["findings"] == []
    assert src["review_original"]["findings"][0]["code"] == "T3_ROW_SUM"
    found = client.get("/api/search?finding=T3_ROW_SUM").get_json()
    assert found["total"] == 0
    # the audit trail on the page: who, what, why
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "原件扫描件上为 2" in html and "更正后已平衡" in html and "admin" in html
    audit = client.get(f"/api/reports/{rid}").get_json()["audit"]
    assert [a["kind"] for a in audit] == ["correct", "dismiss"]
    assert audit[0]["old_value"] is None and audit[0]["new_value"] == 2
    # a second correction of the same cell keeps the original parse
    client.post(f"/reports/{rid}/correct", data={"path": "applications.new.natural_person", "value": "1",
                                                 "reason": "再次核对", "csrf_token": token})
    src = es.get(index=f"{prefix}-reports", id=rid)["_source"]
    assert src["applications"]["new"]["natural_person"] == 1
    assert src["review_original"]["values"]["applications.new.natural_person"] is None
    assert "T3_ROW_SUM" not in src["finding_codes"]


def test_bad_review_input(rclient):
    client, rid, _ = rclient
    login(client)
    token = csrf_of(client.get(f"/reports/{rid}").get_data(as_text=True))
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.nope", "value": "1",
                                                     "reason": "x", "csrf_token": token})
    assert r.status_code == 400
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.new.total", "value": "abc",
                                                     "reason": "x", "csrf_token": token})
    assert r.status_code == 400
    r = client.post(f"/reports/{rid}/correct", data={"path": "applications.new.total", "value": "3",
                                                     "reason": " ", "csrf_token": token})
    assert r.status_code == 400


def test_apply_reviews_is_pure_and_idempotent():
    import copy

    from indexer.reviews import apply_reviews, finding_key

    doc = copy.deepcopy(CORPUS[0])
    doc["finding_codes"] = ["T3_ROW_SUM", "LATE"]
    before = copy.deepcopy(doc)
    key = finding_key(doc["findings"][0])
    reviews = [{"kind": "correct", "path": "applications.new.natural_person", "new_value": 2,
                "old_value": None, "user": "a", "at": "2025-03-01T00:00:00", "reason": "r"},
               {"kind": "dismiss", "code": "T3_ROW_SUM", "path": key, "user": "a", "reason": "r"}]
    once = apply_reviews(doc, reviews)
    assert doc == before  # the input is not changed
    assert once["applications"]["new"]["natural_person"] == 2
    assert once["finding_codes"] == ["LATE"] and once["dismissed_findings"][0]["code"] == "T3_ROW_SUM"
    # applying again to the already reviewed document changes nothing, the original stays
    twice = apply_reviews(once, reviews)
    assert twice["review_original"] == once["review_original"]
    assert twice["applications"] == once["applications"] and twice["finding_codes"] == ["LATE"]
    # a confirmed finding stays, marked
    kept = apply_reviews(doc, [{"kind": "confirm", "code": "T3_ROW_SUM", "path": key, "user": "a", "reason": "r"}])
    assert kept["findings"][0]["review"] == "confirmed" and "T3_ROW_SUM" in kept["finding_codes"]


def test_login_throttled_after_failures(rclient):
    client, _rid, _ = rclient
    token = csrf_of(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"username": "admin", "password": f"wrong{i}", "csrf_token": token}).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]
    # even the right password waits now
    ok = client.post("/login", data={"username": "admin", "password": "test-pass-123", "csrf_token": token})
    assert ok.status_code == 429
