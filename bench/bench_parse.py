"""Parser throughput on one core: reports/second per input format.

    .venv/bin/python bench/bench_parse.py [--seconds 2]

Prints a table and writes bench/results/parse.json. Other formats add their rows through
`measure(name, files)` (files: paths or (filename, bytes) pairs) and `record(rows)`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.parse import parse  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "parse.json"
SEEDS = Path(os.environ.get("NIANBAO_SEEDS", ROOT.parent / "shared" / "seeds"))


def _load(files) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        if isinstance(f, tuple):
            out.append(f)
        else:
            p = Path(f)
            out.append((p.name, p.read_bytes()))
    return out


def measure(name: str, files, *, seconds: float = 2.0, min_rounds: int = 1) -> dict:
    """Parse `files` round after round for about `seconds`; one process, one core."""
    docs = _load(files)
    if not docs:
        raise ValueError(f"no files to measure for {name}")
    for fn, data in docs:  # warm-up: imports, caches
        parse(data, filename=fn)
    n, rounds, start = 0, 0, time.perf_counter()
    cpu0 = time.process_time()
    while rounds < min_rounds or time.perf_counter() - start < seconds:
        for fn, data in docs:
            parse(data, filename=fn)
            n += 1
        rounds += 1
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    size = sum(len(d) for _, d in docs) / len(docs)
    return {"format": name, "files": len(docs), "reports": n, "seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3), "reports_per_second": round(n / cpu if cpu else 0, 1),
            "ms_per_report": round(1000 * cpu / n, 3), "avg_bytes": int(size)}


def reference_us() -> float:
    """Speed of this core right now: µs for sum(range(1000)) (≈ 8–10 µs on an idle modern
    core). The machine is shared: read reports/s against it."""
    import timeit

    return round(min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6, 2)


def record(rows: list[dict], path: Path = RESULTS) -> dict:
    """Merge rows (by format) into the results file and return its content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    table = {r["format"]: r for r in data.get("rows", [])}
    table.update({r["format"]: r for r in rows})
    data = {"benchmark": "parse", "unit": "reports per CPU second, one core",
            "python": sys.version.split()[0], "reference_sum_range_1000_us": reference_us(),
            "rows": sorted(table.values(), key=lambda r: r["format"])}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data


def print_table(rows: list[dict]) -> None:
    print(f"{'format':<8} {'files':>5} {'reports':>8} {'reports/s':>10} {'ms/report':>10} {'avg KB':>7}")
    for r in rows:
        print(f"{r['format']:<8} {r['files']:>5} {r['reports']:>8} {r['reports_per_second']:>10} "
              f"{r['ms_per_report']:>10} {r['avg_bytes'] / 1024:>7.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    seeds = sorted(SEEDS.glob("*.txt"))
    txt = [s for s in seeds if not s.read_text(encoding="utf-8").lstrip().startswith("#")]
    md = [s for s in seeds if s not in txt]
    rows = [measure("txt", txt, seconds=args.seconds)]
    if md:
        rows.append(measure("md", md, seconds=args.seconds))
    data = record(rows)
    print_table(data["rows"])
    print(f"core speed: sum(range(1000)) = {data['reference_sum_range_1000_us']} µs")
    print(f"→ {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
