"""The parser over the real-page corpus (README.md beside this file): the accuracy of every
field is printed, held above a floor, and no page ever gets a place that is not a division."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from .corpus import FIELDS, HERE, load_cases, score

KINDS = {"township", "county", "department", "interpretation", "guide", "plan", "other"}
# Measured floors (bench/README.md § Real pages has the figures they come from): a change that
# loses accuracy on real pages fails here; a gain should raise them.
FLOORS = {"kind": 0.95, "place": 0.97, "organ": 0.97, "county": 0.95, "year": 0.98,
          "published": 0.97, "proactive_items": 0.92, "applications_received": 0.95}


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return load_cases()


def test_every_case_is_well_formed(cases: list[dict]) -> None:
    ids = Counter(c["id"] for c in cases)
    assert not [i for i, n in ids.items() if n > 1], "duplicate ids"
    urls = Counter(c["url"] for c in cases)
    assert not [u for u, n in urls.items() if n > 1], "the same page twice"
    for case in cases:
        assert re.fullmatch(r"[a-z0-9-]+", case["id"]), case["id"]
        assert urlsplit(case["url"]).scheme in ("http", "https") and urlsplit(case["url"]).hostname, case["id"]
        assert case["kind"] in KINDS, case["id"]
        assert (HERE / "pages" / f"{case['id']}.txt").is_file(), case["id"]
        exp = case.get("expect") or {}
        if exp.get("published"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(exp["published"])), case["id"]
    pages = {p.stem for p in (HERE / "pages").glob("*.txt")}
    assert pages == set(ids), f"pages without a case: {sorted(pages - set(ids))[:5]}"


def test_corpus_is_broad(cases: list[dict]) -> None:
    townships = [c for c in cases if c["kind"] == "township"]
    assert len(cases) >= 200 and len(townships) >= 150
    assert len({c["province"] for c in cases}) >= 25
    assert len({c["cms"] for c in cases}) >= 10
    assert len([c for c in cases if c["kind"] != "township"]) >= 30  # near misses


def test_accuracy_per_field(cases: list[dict]) -> None:
    s = score(cases)
    print("\nreal pages:\n" + "\n".join(s.lines()))
    assert not s.not_divisions, f"a place that is not a division: {s.not_divisions}"
    low = {f: f"{s.accuracy(f):.1%} < {FLOORS[f]:.0%}: {s.wrong.get(f, [])[:8]}"
           for f in FIELDS if s.accuracy(f) < FLOORS[f]}
    assert not low, low
    narrative = (s.right["proactive_items"] + s.right["applications_received"]) / (
        s.scored["proactive_items"] + s.scored["applications_received"])
    assert narrative >= 0.95, f"narrative figures {narrative:.1%}"
