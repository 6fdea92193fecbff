"""Files per second for each format adapter on one core, with the file sizes.

Renders the seed-000 fixture report in every format (plus a page with site chrome around the
HTML fragment), then times `indexer.parse.formats.extract` on each. Targets: ≥300 HTML
pages/s, ≥20 text-layer PDFs/s; OCR is measured, not targeted.

    .venv/bin/python bench/bench_formats.py [--seconds 2] [--ocr-runs 1]

Writes bench/results/formats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.parse.formats import extract  # noqa: E402
from simweb.render import render_report  # noqa: E402
from tests.formats.fixtures import numbered  # noqa: E402

CHROME = """<!DOCTYPE html><html><head><meta charset="gbk"><title>{title}_孟津区人民政府</title>
<script>var a=1;</script></head><body><div class="wza-bar"><a>无障碍</a><a>长者专版</a></div>
<ul class="nav">{nav}</ul><div class="main"><div class="position">当前位置：<a>首页</a></div>
<div class="info">发布时间：2025-01-18 10:02 来源：朝阳镇</div>{body}</div>
<div class="footer">主办：孟津区人民政府办公室 版权所有 豫ICP备12345号</div></body></html>"""


def samples() -> dict[str, bytes]:
    report = numbered()
    fragment = render_report(report, "html").decode()
    nav = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(60))
    page = CHROME.format(title=report["title"], nav=nav, body=fragment).encode("gbk")
    out = {"html": page, "txt": render_report(report, "txt"), "docx": render_report(report, "docx"),
           "pdf": render_report(report, "pdf")}
    if shutil.which("soffice"):
        out["doc"] = render_report(report, "doc")
    if shutil.which("tesseract"):
        out["png"] = render_report(report, "png")
    return out


def measure(data: bytes, seconds: float, max_runs: int | None = None) -> dict:
    extract(data)  # warm-up: imports, fonts
    runs, start = 0, time.perf_counter()
    while True:
        extract(data)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds or (max_runs and runs >= max_runs):
            break
    return {"runs": runs, "seconds": round(elapsed, 3), "files_per_s": round(runs / elapsed, 2),
            "ms_per_file": round(1000 * elapsed / runs, 2), "bytes": len(data)}


def calibrate() -> float:
    """µs for a fixed pure-Python loop: compare runs on a busy and an idle machine."""
    import timeit

    x = list(range(1000))
    return round(min(timeit.repeat(lambda: sum(i * i for i in x), number=200, repeat=5)) / 200 * 1e6, 1)


def pdf_pages(data: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(data))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="time budget per format")
    ap.add_argument("--ocr-runs", type=int, default=1, help="OCR runs (seconds each)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    results = {}
    for fmt, data in samples().items():
        slow = fmt in ("png", "doc")
        results[fmt] = measure(data, args.seconds, args.ocr_runs if slow else None)
        if fmt == "pdf":
            results[fmt]["pages"] = pdf_pages(data)
        print(f"{fmt:5s} {results[fmt]['files_per_s']:8.2f} files/s  "
              f"{results[fmt]['ms_per_file']:8.2f} ms  {len(data) / 1024:7.1f} KiB", flush=True)
    targets = {"html": 300, "pdf": 20}
    out = {"python": platform.python_version(), "machine": platform.machine(), "one_core": True,
           "load_average": os.getloadavg(), "calibration_us": calibrate(),
           "targets_files_per_s": targets, "results": results,
           "met": {k: results[k]["files_per_s"] >= v for k, v in targets.items() if k in results}}
    dest = ROOT / "bench" / "results" / "formats.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {dest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
