"""The five seed reports against hand-checked expected JSON, every field and every cell."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.parse import parse
from indexer.schema import validate_report

EXPECTED = Path(__file__).parent / "expected"
SEEDS = ["000", "001", "002", "003", "004"]


def _seed(seeds_dir: Path, prefix: str) -> Path:
    return next(seeds_dir.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def parsed(seeds_dir: Path) -> dict[str, dict]:
    out = {}
    for s in SEEDS:
        path = _seed(seeds_dir, s)
        out[s] = parse(path.read_bytes(), filename=path.name).to_json()
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_matches_expected(parsed: dict, seed: str) -> None:
    got = dict(parsed[seed])
    got.pop("text")
    got.pop("text_norm")
    expected = json.loads((EXPECTED / f"{seed}.json").read_text(encoding="utf-8"))
    for key in expected:  # field by field first: a readable diff
        assert got[key] == expected[key], key
    assert got == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_validates_against_schema(parsed: dict, seed: str) -> None:
    validate_report(parsed[seed])


@pytest.mark.parametrize("seed", SEEDS)
def test_text_and_normalised_twin(parsed: dict, seed: str) -> None:
    r = parsed[seed]
    assert r["title"] and r["title"].replace(" ", "") in r["text"].replace(" ", "").replace("\n", "")
    assert not re.search(r"[\uff01-\uff5e]", r["text_norm"]), "full-width characters left"
    assert len(r["text_norm"]) == len(r["text"])
    assert "|" not in r["text"] and "\t" not in r["text"], "table cells leaked into the prose"


def test_no_error_findings_in_consistent_seeds(parsed: dict) -> None:
    for seed in SEEDS:
        errors = [f for f in parsed[seed]["findings"] if f["severity"] == "error"]
        assert errors == [], seed


def test_seed_001_blank_natural_person_is_null_not_zero(parsed: dict) -> None:
    app = parsed["001"]["applications"]
    assert app["new"]["natural_person"] is None
    assert app["new"]["total"] == 1
    assert app["results_total"] == {"natural_person": None, "business": None, "research": 0,
                                    "public_interest": 0, "legal_services": 0, "other_org": 0, "total": 1}
    codes = {(f["code"], f["severity"]) for f in parsed["001"]["findings"]}
    assert ("BLANK_CELL", "warning") in codes and ("T3_ROW_SUM", "warning") in codes


def test_seed_001_subheadings_in_part_five_are_not_parts(parsed: dict) -> None:
    secs = parsed["001"]["sections"]
    assert [s["number"] for s in secs] == [1, 2, 3, 4, 5, 6]
    assert "强化人员培训" in secs[4]["text"] and "完善规章制度" in secs[4]["text"]


def test_seed_002_title_over_two_lines_and_part_one_numbered_1(parsed: dict) -> None:
    r = parsed["002"]
    assert r["title"] == "寒葱沟镇2024年政府信息公开工作年度报告"
    assert r["sections"][0]["heading"] == "总体情况"
    assert "bookmark" not in r["text"]
