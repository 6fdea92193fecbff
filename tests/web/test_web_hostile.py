"""Hostile requests answer 4xx with a bilingual message, never 500 (issue 13): odd parameters,
absurd numbers, deep or oddly typed JSON; the redirect after login stays on this site; absolute
URLs come from base_url, not from the Host header; https deployments get Secure + HSTS."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from .conftest import csrf_of

CJK = re.compile(r"[\u4e00-\u9fff]")


def _bilingual(r) -> str:
    body = r.get_json(silent=True)
    message = body["error"]["message"] if body else r.get_data(as_text=True)
    assert CJK.search(message) and re.search(r"[A-Za-z]{3,}", message), message[:300]
    return message


BAD_GETS = [
    "/search?q=x&fmt=1",
    "/search.csv?q=x&fmt=json",
    "/search?q=year:99999999999999999999",
    "/search?q=x&year=99999999999999999999",
    "/search.json?q=year:99999999999999999999",
    "/api/search?q=year:99999999999999999999",
    "/api/search?q=x&year=99999999999999999999",
    "/api/search?q=appeals.review.corrected>=1e400",
    "/api/search?q=x&page=1e30",
    "/api/stats?year=1e30",
    "/api/stats?year=99999999999999999999",
    "/api/compliance?year=1e30",
    "/api/compliance?year=99999999999999999999",
    "/compliance?year=99999999999999999999",
]


@pytest.mark.parametrize("url", BAD_GETS)
def test_bad_parameters_are_4xx(client, url: str) -> None:
    r = client.get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code, r.get_data(as_text=True)[:300])
    _bilingual(r)


def test_clamped_parameters_stay_200(client) -> None:
    assert client.get("/api/search?q=x&size=-5").get_json()["size"] == 1


def _deep(n: int) -> str:
    return "[" * n + "]" * n


BAD_BODIES = [
    {"kind": "findings", "channel": "feed", "params": {"codes": [[1]]}},
    {"kind": "findings", "channel": "feed", "params": {"codes": [{"a": 1}]}},
    {"kind": "findings", "channel": "feed", "params": {"codes": 5}},
    {"kind": "region_compliance", "channel": "feed", "params": {"year": [2024]}},
    {"kind": "region_compliance", "channel": "feed", "params": {"year": {"y": 1}}},
    {"kind": "region_compliance", "channel": "feed", "params": {"county": ["孟津区"]}},
    {"kind": "saved_search", "channel": "feed", "params": {"q": ["x"]}},
    {"kind": "publisher", "channel": "feed", "params": {"publisher_id": {"x": 1}}},
    {"kind": ["findings"], "channel": "feed"},
    {"kind": "findings", "channel": {"x": 1}, "params": {"codes": "MISSING"}},
    {"kind": "publisher", "channel": "webhook", "target": ["http://8.8.8.8/"], "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "webhook", "target": "http://127.0.0.1:9200/", "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "webhook", "target": "http://2130706433/", "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "webhook", "target": "http://[::1]/", "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "webhook", "target": "http://169.254.169.254/", "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "webhook", "target": "http://a\u0001b/hook", "params": {"publisher_id": "p"}},
    {"kind": "publisher", "channel": "chat", "target": "json://10.0.0.1/x", "params": {"publisher_id": "p"}},
    {"kind": "findings", "channel": "feed", "params": "MISSING"},
    {"kind": "findings", "channel": "feed", "params": {"codes": "MISSING"}, "label": {"a": 1}},
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_subscription_bodies_are_400(client, body) -> None:
    r = client.post("/api/subscriptions", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 400, (body, r.status_code, r.get_data(as_text=True)[:300])
    _bilingual(r)


@pytest.mark.parametrize("raw", ['{"kind": "findings", "channel": "feed", "params": {"year": 1e400}}',
                                 '{"kind": "region_compliance", "channel": "feed", "params": {"year": 1e400}}',
                                 '{"year": 1e400}', _deep(2000), '{"a":' * 2000 + "1" + "}" * 2000,
                                 '{"kind": "findings", "params": ' + _deep(1500) + "}", "[1, 2]", '"x"',
                                 "{bad json", '{"kind": NaN}'])
def test_odd_json_is_400(client, raw: str) -> None:
    r = client.post("/api/subscriptions", data=raw, content_type="application/json")
    assert r.status_code == 400, (raw[:80], r.status_code, r.get_data(as_text=True)[:300])
    _bilingual(r)


def test_patch_with_odd_params_is_400(client) -> None:
    r = client.post("/api/subscriptions", json={"kind": "findings", "channel": "feed",
                                                "params": {"codes": "MISSING"}})
    assert r.status_code == 201
    token = r.get_json()["token"]
    for body in ({"params": [1]}, {"params": "x"}, {"params": {"codes": [[1]]}}, {"mode": ["daily"]},
                 {"label": {"x": 1}}, {"status": ["active"]}, {"target": 5}):
        r = client.patch(f"/api/subscriptions/{token}", json=body)
        assert r.status_code == 400, (body, r.status_code, r.get_data(as_text=True)[:300])
        _bilingual(r)
    assert client.get(f"/api/subscriptions/{token}").get_json()["params"] == {"codes": ["MISSING"]}


def test_subscription_form_refuses_internal_webhook(client) -> None:
    token = csrf_of(client.get("/subscriptions/new").get_data(as_text=True))
    r = client.post("/subscriptions/new", data={"kind": "publisher", "channel": "webhook",
                                                 "target": "http://0x7f.1:9200/", "publisher_id": "mj-cy",
                                                 "csrf_token": token})
    assert r.status_code == 400
    assert "loopback" in r.get_data(as_text=True) and "回环" in r.get_data(as_text=True)


NEXTS = ["/\t/evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "//evil.example",
         " //evil.example", "/\n/evil.example", "/\r\n/evil.example/x", "\t//evil.example",
         "https://evil.example/", "https:evil.example", "//evil.example@x", "/%09/evil.example",
         "javascript:alert(1)", "/\u0000/evil.example", "\u200b//evil.example", "///evil.example"]


@pytest.mark.parametrize("nxt", NEXTS, ids=range(len(NEXTS)))
def test_next_after_login_stays_local(client, nxt: str) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "admin", "password": "test-pass-123", "csrf_token": token,
                                    "next": nxt})
    assert r.status_code == 302
    loc = r.headers["Location"]
    # what a browser does with it: drop tabs/newlines, read backslashes as slashes
    seen = re.sub(r"[\t\n\r]", "", loc).replace("\\", "/").strip()
    parts = urlsplit(seen)
    assert parts.netloc in ("", "localhost") and seen.startswith("/") and not seen.startswith("//"), loc
    assert "evil.example" not in parts.netloc


def test_next_keeps_a_local_page(client) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "admin", "password": "test-pass-123", "csrf_token": token,
                                    "next": "/compliance?year=2024"})
    assert r.headers["Location"] == "/compliance?year=2024"


def test_absolute_urls_from_base_url_not_host(app, corpus) -> None:
    settings = app.config["NIANBAO_SETTINGS"]
    settings.base_url = "https://nianbao.example.org/portal"
    client = app.test_client()
    rid = corpus["ids"][("mj-cy", 2024)]
    doc = client.get(f"/api/reports/{rid}", headers={"Host": "evil.example"}).get_json()
    assert doc["archive"]["url"].startswith("https://nianbao.example.org/portal/reports/")
    assert all(v["archive_url"].startswith("https://nianbao.example.org/portal/") for v in doc["versions"])
    assert "evil.example" not in json.dumps(doc)


def test_https_base_url_sets_secure_cookie_and_hsts(settings, es, corpus) -> None:
    from web import create_app

    from .conftest import fill_db

    for base, secure in (("https://nianbao.example.org", True), ("http://127.0.0.1:5000", False)):
        s = settings.model_copy(update={"es_index_prefix": corpus["prefix"], "admin_password": "pw-123456",
                                        "base_url": base})
        fill_db(s.database_url) if base.startswith("https") else None
        app = create_app({"TESTING": True, "NIANBAO_SETTINGS": s, "NIANBAO_ES": es})
        client = app.test_client()
        r = client.get("/login")
        cookie = r.headers.get("Set-Cookie", "")
        assert "session=" in cookie, r.headers
        assert ("Secure" in cookie) is secure
        assert ("Strict-Transport-Security" in r.headers) is secure
        if secure:
            assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    off = settings.model_copy(update={"base_url": "https://x.example", "hsts_max_age": 0})
    r = create_app({"TESTING": True, "NIANBAO_SETTINGS": off, "NIANBAO_ES": es}).test_client().get("/help")
    assert "Strict-Transport-Security" not in r.headers
