"""The parser's accuracy per field on the real-page corpus (tests/realpages/), and its speed.

    .venv/bin/python bench/bench_realpages.py [--wrong FIELD …]

Prints the per-field accuracy (what tests/realpages/test_realpages.py holds above its floors)
and the parse time per page; with --wrong, the cases each named field gets wrong. Writes
bench/results/realpages.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.realpages.corpus import FIELDS, load_cases, score  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wrong", nargs="*", default=[], help="list the cases these fields get wrong")
    args = ap.parse_args()
    cases = load_cases()
    t0 = time.perf_counter()
    s = score(cases)
    took = time.perf_counter() - t0
    print("\n".join(s.lines()))
    print(f"  parse + score: {took:.2f} s, {1000 * took / len(cases):.1f} ms per page")
    print(f"  places that are not divisions: {len(s.not_divisions)}")
    for name in args.wrong:
        print(f"{name}: {' '.join(s.wrong.get(name, []))}")
    by_batch: dict[str, dict[str, float]] = {}
    for batch in sorted({c["batch"] for c in cases}):
        sb = score([c for c in cases if c["batch"] == batch])
        by_batch[batch] = {f: round(sb.accuracy(f), 4) for f in FIELDS}
    out = {"date": date.today().isoformat(), "cases": s.cases, "provinces": len(s.provinces),
           "families": len(s.families), "accuracy": {f: round(s.accuracy(f), 4) for f in FIELDS},
           "scored": {f: s.scored[f] for f in FIELDS}, "by_batch": by_batch,
           "not_divisions": s.not_divisions, "ms_per_page": round(1000 * took / len(cases), 2)}
    path = ROOT / "bench" / "results" / "realpages.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
