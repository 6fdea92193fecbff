"""The dashboard over a stored compliance snapshot (monitor.snapshot): N publishers' rows written
straight into `compliance_rows` of a temporary SQLite state DB, then the page through Flask's
test client at concurrency 1 (national, a province, a county): repeated views (the page data
is kept per snapshot computed_at), first views (that cache cleared before each request), and
the SQL reads alone.

    .venv/bin/python bench/bench_dashboard.py --publishers 40000 --requests 30 --out bench/results/dashboard.json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nianbao.app  # noqa: E402, F401  (the model registry: init_db sees every table)

STATUSES = ("on_time", "late", "missing", "not_due", "unknown")


def fill(session, n: int, year: int) -> None:
    """n publishers over 31 provinces × 10 cities × 10 counties, realistic status mix."""
    from monitor import snapshot

    rnd = random.Random(7)
    pubs = []
    for i in range(n):
        p, c, k = i % 31, (i // 31) % 10, (i // 310) % 10
        status = rnd.choices(STATUSES, weights=(70, 12, 8, 2, 8))[0]
        pub = f"{year + 1}-01-{rnd.randint(5, 31):02d}" if status == "on_time" else \
            (f"{year + 1}-02-{rnd.randint(1, 28):02d}" if status == "late" else None)
        late = rnd.randint(1, 60) if status in ("late", "missing") else None
        pubs.append({"id": f"p{i:06d}", "name": f"第{i}号乡镇人民政府", "level": "township",
                     "province": f"省{p:02d}", "city": f"省{p:02d}市{c}", "county": f"省{p:02d}市{c}县{k}",
                     "status": status, "deadline": f"{year + 1}-01-31", "published": pub,
                     "published_shown": pub, "first_seen": pub and pub + "T10:00:00", "days_late": late,
                     "date_source": "shown" if pub else None, "url": None, "evidence": {},
                     "findings": [{"code": status.upper(), "severity": "error", "message": "—"}]
                     if status in ("late", "missing") else []})
    snapshot.write(session, year, {"publishers": pubs}, datetime.now().replace(microsecond=0))


def pct(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    return {"p50": round(statistics.median(xs), 1), "p95": round(xs[max(0, int(len(xs) * 0.95 + 0.5) - 1)], 1),
            "max": round(xs[-1], 1), "n": len(xs)}


def timed(fn, n: int) -> dict[str, float]:
    fn()  # warm
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return pct(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--publishers", type=int, default=40000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    from monitor import snapshot
    from nianbao.db import init_db, make_engine, make_session_factory
    from nianbao.settings import Settings
    from web import create_app

    year = 2024
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        engine = make_engine(settings.database_url)
        init_db(engine)
        session = make_session_factory(engine)()
        t = time.perf_counter()
        fill(session, a.publishers, year)
        write_s = time.perf_counter() - t
        views = {"national": {}, "province": {"province": "省03"},
                 "county": {"province": "省03", "city": "省03市4", "county": "省03市4县2"}}
        sql = {name: timed(lambda r=r: (snapshot.counts(session, year, **r),
                                        snapshot.counts(session, year, **r, by="township" if "county" in r else
                                                        ("city" if r else "province")),
                                        snapshot.rows(session, year, **r, order="severity", limit=300)),
                           a.requests) for name, r in views.items()}
        app = create_app({"TESTING": False, "NIANBAO_SETTINGS": settings, "NIANBAO_ES": None,
                          "NIANBAO_TODAY": f"{year + 1}-04-10"})
        client = app.test_client()

        def get(r: dict) -> None:
            resp = client.get("/compliance", query_string={"year": year, **r})
            assert resp.status_code == 200 and "数据计算于" in resp.get_data(as_text=True)

        page = {name: timed(lambda r=r: get(r), a.requests) for name, r in views.items()}
        cache = app.extensions["nianbao"].setdefault("compliance_snapshot", {})
        cold = {name: timed(lambda r=r: (cache.clear(), get(r)), a.requests) for name, r in views.items()}
        export = timed(lambda: (cache.clear(), client.get("/compliance.csv", query_string={"year": year})), 3)
        export_kept = timed(lambda: client.get("/compliance.csv", query_string={"year": year}), 3)
    result = {"date": datetime.now().isoformat(timespec="seconds"), "publishers": a.publishers,
              "snapshot_write_s": round(write_s, 2), "sql_counts_areas_rows_ms": sql,
              "dashboard_page_ms_c1": page,
              "dashboard_page_ms_c1_first_view": cold, "national_csv_export_ms_first": export, "national_csv_export_ms_repeat": export_kept}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if a.out:
        a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
