"""Hostile documents against the parser's resource limits: each must end in < 30 s and
< 1 GB peak memory with a clear error.

The documents are generated (tests/formats/hostile.py) into a temporary folder; each one is
then parsed by `indexer.parse.parse` in a fresh child process (python -c …), twice: with the
default settings (binary formats in the parse worker, a grandchild) and with
NIANBAO_PARSE_ISOLATE=0 (everything in the child). Reported per run: wall time of the parse,
peak RSS (the child's own `VmHWM`, which unlike `ru_maxrss` does not carry the bench
process's peak over the exec, and `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` for the
worker, whichever is larger), and the error. A child runs under RLIMIT_AS = 3 GiB so a
regression cannot take the machine down (it would show as a MemoryError row).

    .venv/bin/python bench/bench_hostile.py [--only NAME …]

Writes bench/results/hostile.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.formats import hostile  # noqa: E402

LIMIT_S, LIMIT_MB = 30.0, 1024
CASES = {
    "docx_dense_xml": ("DOCX, 60 MiB of empty paragraphs (10 M elements, under the byte limit)",
                       lambda: hostile.docx_dense(60 * hostile.MIB), "docx"),
    "docx_bomb": ("DOCX, document.xml inflates to 1.5 GiB", hostile.docx_bomb, "docx"),
    "docx_lying_header": ("DOCX, header says 4 KiB, inflates to 1.5 GiB",
                          lambda: hostile.docx_bomb(declared=4096), "docx"),
    "docx_lying_90mb": ("DOCX, header says 90 MiB (under the limit), inflates to 1.5 GiB",
                        lambda: hostile.docx_bomb(declared=90 * hostile.MIB), "docx"),
    "zip_100k_members": ("DOCX-like zip with 100,000 members", hostile.many_members, "docx"),
    "pdf_giant_page": ("PDF, one 14400×14400 pt image-only page", hostile.pdf_giant_page, "pdf"),
    "pdf_giant_image": ("PDF, A4 page with a 20000×20000 px image", hostile.pdf_giant_image,
                        "pdf"),
    "pdf_5000_pages": ("PDF with 5,000 empty pages", hostile.pdf_many_pages, "pdf"),
    "ofd_20000_refs": ("OFD, 20,000 references to one page", hostile.ofd_references, "ofd"),
    "png_bomb": ("PNG, 30000×30000 px", hostile.png_bomb, "png"),
}

CHILD = r"""
import json, os, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
sys.path.insert(0, {root!r})
from indexer.parse import ParseError, parse
from indexer.parse import worker
data = open({path!r}, "rb").read()
t = time.perf_counter()
try:
    parse(data, {name!r})
    error = None
except ParseError as exc:
    error = str(exc)
except MemoryError:
    error = "MemoryError"
seconds = time.perf_counter() - t
worker.shutdown()
own = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": seconds, "own_kb": own, "worker_kb": kids, "error": error}}))
"""


def run_one(path: Path, name: str, isolate: bool) -> dict:
    env = dict(os.environ, NIANBAO_PARSE_ISOLATE="1" if isolate else "0")
    code = CHILD.format(root=str(ROOT), path=str(path), name=name)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        return {"error": f"child failed ({proc.returncode}): {proc.stderr.strip()[-300:]}",
                "seconds": wall, "peak_mb": None}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["peak_mb"] = round(max(out["own_kb"], out["worker_kb"]) / 1024, 1)
    out["seconds"] = round(out["seconds"], 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted(CASES))
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="nianbao-hostile-") as tmp:
        for key, (what, make, ext) in CASES.items():
            if args.only and key not in args.only:
                continue
            t = time.perf_counter()
            data = make()
            gen = time.perf_counter() - t
            path = Path(tmp) / f"{key}.{ext}"
            path.write_bytes(data)
            row = {"file": key, "what": what, "bytes": len(data), "generated_s": round(gen, 2)}
            for mode, isolate in (("worker", True), ("in_process", False)):
                r = run_one(path, path.name, isolate)
                row[mode] = r
                ok = r["error"] and r["seconds"] < LIMIT_S and (r["peak_mb"] or 1e9) < LIMIT_MB
                r["ok"] = bool(ok)
            rows.append(row)
            print(f"{key}: {row['worker']['seconds']} s {row['worker']['peak_mb']} MB / "
                  f"{row['in_process']['seconds']} s {row['in_process']['peak_mb']} MB: "
                  f"{(row['worker']['error'] or 'NO ERROR')[:100]}", flush=True)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "limits": {"seconds": LIMIT_S, "peak_mb": LIMIT_MB}, "rows": rows}
    out = ROOT / "bench" / "results" / "hostile.json"
    if not args.only:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("\n| file | size | worker: time, peak RSS | in process: time, peak RSS | error |")
    print("| --- | ---: | --- | --- | --- |")
    for row in rows:
        w, i = row["worker"], row["in_process"]
        print(f"| {row['what']} | {row['bytes']:,} B | {w['seconds']} s, {w['peak_mb']} MB | "
              f"{i['seconds']} s, {i['peak_mb']} MB | {(w['error'] or 'none')[:90]} |")


if __name__ == "__main__":
    main()
