"""The orjson JSON provider keeps Flask's output contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider

from web.jsonio import OrjsonProvider


@dataclass
class Point:
    x: int
    label: str


def _apps() -> tuple[Flask, Flask]:
    ours, flask = Flask("ours"), Flask("flask")
    ours.json = OrjsonProvider(ours)
    for app in (ours, flask):
        app.json.ensure_ascii = False  # type: ignore[attr-defined]
        app.json.sort_keys = False  # type: ignore[attr-defined]
    assert isinstance(flask.json, DefaultJSONProvider) and not isinstance(flask.json, OrjsonProvider)
    return ours, flask


@pytest.mark.parametrize("big", [False, True], ids=["orjson", "fallback"])
def test_same_values_as_flasks_own_provider(big: bool) -> None:
    value = {"标题": "朝阳镇<报告>", "n": 3, "f": 0.5, "none": None, "list": [1, "二"],
             "day": date(2025, 2, 1), "at": datetime(2025, 2, 1, 9, 30), "money": Decimal("1.50"),
             "point": Point(1, "点"), 7: "int key"}
    if big:  # past 64 bits: orjson refuses, the standard encoder takes over
        value["big"] = 2**70
    ours, flask = _apps()
    with ours.app_context():
        got = jsonify(value)
        text = ours.json.dumps(value)
    with flask.app_context():
        want = jsonify(value)
    assert json.loads(got.get_data()) == json.loads(want.get_data())
    assert got.mimetype == "application/json"
    assert "朝阳镇" in text and "\\u" not in text  # UTF-8, never escaped
    assert json.loads(text)["day"] == "Sat, 01 Feb 2025 00:00:00 GMT"  # Flask's date format kept


def test_key_order_and_sorting() -> None:
    ours, _ = _apps()
    with ours.app_context():
        assert ours.json.dumps({"b": 1, "a": 2}) == '{"b":1,"a":2}'
        ours.json.sort_keys = True  # type: ignore[attr-defined]
        assert ours.json.dumps({"b": 1, "a": 2}) == '{"a":2,"b":1}'
