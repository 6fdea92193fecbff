"""`nianbao parse` through the real entry point in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao.app.cli", "parse", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_one_file_json(seeds_dir: Path) -> None:
    seed = next(seeds_dir.glob("000_*.txt"))
    res = run(str(seed), "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["title"] == "孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告"
    assert doc["applications"]["new"]["total"] == 0


def test_several_files_json_array_and_summary(seeds_dir: Path) -> None:
    seeds = sorted(str(p) for p in seeds_dir.glob("00*.txt"))[:3]
    res = run("--json", *seeds)
    assert res.returncode == 0, res.stderr
    docs = json.loads(res.stdout)
    assert [d["year"] for d in docs] == [2024, 2024, 2024]
    res = run(seeds[1])
    assert res.returncode == 0
    assert "武陟县大封镇人民政府" in res.stdout and "BLANK_CELL" in res.stdout and "2024" in res.stdout


def test_bad_file_fails_with_its_name_and_others_still_parse(seeds_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.bin"
    bad.write_bytes(b"\x00\x01\x02\x03" * 50)
    missing = tmp_path / "missing.txt"
    seed = next(seeds_dir.glob("002_*.txt"))
    res = run("--json", str(bad), str(seed), str(missing))
    assert res.returncode == 1
    assert "broken.bin" in res.stderr and "missing.txt" in res.stderr
    docs = json.loads(res.stdout)
    assert len(docs) == 1 and docs[0]["organ"] == "寒葱沟镇"


def test_no_arguments_is_a_usage_error() -> None:
    assert run().returncode == 2
