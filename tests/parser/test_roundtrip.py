"""Seeds' expected facts rendered by simweb in other formats parse back to the same facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.parse import parse
from simweb import render

EXPECTED = Path(__file__).parent / "expected"
FACTS = ("title", "organ", "place", "county", "year", "template", "narrative", "active",
         "applications", "appeals")


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_rendered_seed_parses_back(seed: str, fmt: str) -> None:
    facts = json.loads((EXPECTED / f"{seed}.json").read_text(encoding="utf-8"))
    data = render.render_report(dict(facts, text=""), fmt)
    got = parse(data, filename=f"r.{fmt}").to_json()
    for key in FACTS:
        assert got[key] == facts[key], (fmt, key)
    assert sorted(f["code"] for f in got["findings"]) == sorted(f["code"] for f in facts["findings"])
