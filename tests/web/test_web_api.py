"""The OpenAPI document: valid, served, complete, and the real responses match it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def check(doc: dict, body: object, name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_openapi_valid_and_served(client):
    validate(spec())
    r = client.get("/api/openapi.yaml")
    assert r.status_code == 200 and yaml.safe_load(r.data)["openapi"].startswith("3.1")


def test_every_api_route_documented(app):
    documented = set(spec()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).replace("{rid}", "{id}")
            assert path in documented, f"{rule.rule} is not in docs/openapi.yaml"


def test_responses_match_schemas(client, corpus):
    doc = spec()
    check(doc, client.get("/api/search?q=政府信息").get_json(), "SearchResult")
    check(doc, client.get("/api/search?q=(").get_json(), "Error")
    rid = corpus["ids"][("mj-cy", 2024)]
    check(doc, client.get(f"/api/reports/{rid}").get_json(), "Report")
    check(doc, client.get("/api/compliance?year=2024&county=孟津区").get_json(), "Compliance")
    stats = client.get("/api/stats?metric=applications.new.total&by=county&year=2024")
    assert stats.status_code == 200
    check(doc, stats.get_json(), "Stats")
    by = {b["key"]: b for b in stats.get_json()["buckets"]}
    assert by["孟津区"]["count"] == 2 and by["孟津区"]["sum"] == 4
    assert client.get("/api/stats?metric=nope").status_code == 400
    sub = client.post("/api/subscriptions", json={"kind": "publisher", "channel": "feed",
                                                  "params": {"publisher_id": "mj-cy"}})
    check(doc, sub.get_json(), "Subscription")


def test_i18n_catalogue_compiled_and_english_switch(client):
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    po_path = Path(__file__).resolve().parents[2] / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    po = {m.id: m.string for m in read_po(po_path.open("rb")) if m.id}
    mo = {m.id: m.string for m in read_mo(po_path.with_suffix(".mo").open("rb")) if m.id}
    assert po == mo, "messages.mo is stale: run `python -m web.i18n`"
    en = client.get("/search?lang=en").get_data(as_text=True)
    assert "Nianbao Watch" in en and "Query syntax" in en
    assert "Query language" in client.get("/help").get_data(as_text=True)  # remembered
    zh = client.get("/search?lang=zh").get_data(as_text=True)
    assert "查询语法" in zh


def test_every_message_translated():
    """Every string marked in the templates and views has an English translation."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    web = Path(__file__).resolve().parents[2] / "web"
    po = read_po((web / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    have = {m.id for m in po if m.id and m.string}
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = {msg for _f, _l, msg, _c, _ctx in extract_from_dir(str(web), method_map, keywords={"_": None})}
    missing = sorted(m for m in found if isinstance(m, str) and m not in have)
    assert not missing, missing
