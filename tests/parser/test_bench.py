"""The benchmark's measuring function (used by other formats' rows) on a tiny budget."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_measure_and_record(seeds_dir: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_parse", ROOT / "bench" / "bench_parse.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seed = next(seeds_dir.glob("000_*.txt"))
    row = mod.measure("txt", [seed, ("x.txt", seed.read_bytes())], seconds=0.05)
    assert row["format"] == "txt" and row["files"] == 2 and row["reports"] >= 2
    assert row["reports_per_second"] > 0
    # the least disturbed round is at least as fast as the average; the core reference is there
    assert row["best_round_reports_per_second"] >= row["reports_per_second"]
    assert row["reference_cpu_us"] > 0 and row["wall_reports_per_second"] > 0
    out = tmp_path / "parse.json"
    mod.record([row], out)
    data = mod.record([dict(row, format="html")], out)
    assert [r["format"] for r in data["rows"]] == ["html", "txt"]
