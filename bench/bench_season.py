"""A national season on the simulated web, stage by stage, measured on a stated fraction and
projected to the whole country at real politeness.

    NIANBAO_ES_HOME=/var/tmp/nb-bench-es NIANBAO_ES_HEAP=2g .venv/bin/nianbao es start
    NIANBAO_ES_HOME=/var/tmp/nb-bench-es .venv/bin/python bench/bench_season.py --max-sites 32

The simulated web serves the national world (every county portal of the division registry, its
townships, two departments and the county government) limited to its first `--max-sites`
county hosts (in division-code order). Each stage runs in a fresh subprocess against one state
DB and archive, and records wall time, CPU (its own plus its children's) and peak memory:

- discover: `nianbao registry check --reach` (crawler.probe): one GET per entry column,
  reachability and CMS family;
- crawl: crawler.engine.run_crawl over every publisher at `--delay` (fast: the simulated web
  answers in ~1 ms, so the crawl is CPU-bound here; the simulated web's own CPU is recorded);
- index: indexer.pipeline.run_once (read from the archive, parse, build, bulk into
  Elasticsearch; parse+build time split out, Elasticsearch CPU from /proc);
- compliance: monitor.compliance.evaluate for the report year, every publisher.

The projection (`project`) to a real season: pages per host and CPU per page/report are
measured; the real servers' response time is an assumption (`--response-s`, three values).
Writes bench/results/season.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nianbao.app  # noqa: E402, F401  (the model registry: init_db sees every table)

RESULTS = ROOT / "bench" / "results" / "season.json"
NATIONAL_HOSTS = 2978  # county portals of the national world (len(World(1, "national").sites))
NATIONAL_PUBLISHERS = 41352 + 3 * NATIONAL_HOSTS  # townships + 2 departments + the county


def _usage() -> dict[str, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
            "peak_rss_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024}


def _proc_cpu_s(pid: int | None) -> float | None:
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- stages (each in its own process) -----------------------------------------------------------
def stage(name: str, registry: str, year: int, today: date) -> dict[str, Any]:
    from nianbao.settings import get_settings

    settings = get_settings()
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    if name == "discover":
        from crawler.probe import probe
        from crawler.registry import load_registry

        probes = probe(settings, load_registry(registry))
        out = {"entry_urls": len(probes), "reachable": sum(p.reachable for p in probes),
               "families": sorted({p.family or "?" for p in probes})}
    elif name == "crawl":
        from crawler.engine import run_crawl
        from crawler.registry import load_registry
        from nianbao.db import init_db, make_engine

        init_db(make_engine(settings.database_url))
        t0 = time.perf_counter()  # the schema is an install step
        summary = run_crawl(settings, load_registry(registry))
        out = {"pages": summary.total("fetched"), "reports_new": summary.total("new"),
               "errors": summary.total("errors")}
    elif name == "index":
        from bench.bench_search import es_cpu_seconds
        from indexer import pipeline, store
        from indexer.parse import worker
        from nianbao.es import es_client

        store.drop_all(es_client(settings), settings.es_index_prefix)
        by_type: dict[str, list[float]] = {}  # content type → [documents, seconds]
        inner = pipeline.parse_item

        def timed(archive: Any, item: Any, side_by_side: bool = False) -> Any:  # read + parse, in its thread
            t = time.perf_counter()
            try:
                return inner(archive, item, side_by_side)
            finally:
                acc = by_type.setdefault(item.content_type.split(";")[0] or "?", [0, 0.0])
                acc[0] += 1
                acc[1] += time.perf_counter() - t

        pipeline.parse_item = timed  # type: ignore[assignment]
        es0, t0 = es_cpu_seconds(), time.perf_counter()
        stats = pipeline.run_once(settings)
        es1 = es_cpu_seconds()
        worker.shutdown()  # the parse children, reaped: their CPU joins RUSAGE_CHILDREN
        out = {"indexed": stats.indexed, "failed": stats.failed, "parse_s": round(sum(v[1] for v in by_type.values()), 1),
               "parse_workers": pipeline.parse_workers(settings), "parse_by_type": {k: {"docs": n, "s": round(t, 1)} for k, (n, t) in sorted(by_type.items())},
               "es_cpu_s": round(es1 - es0, 1) if es0 is not None and es1 is not None else None}
    elif name == "compliance":
        from monitor.compliance import evaluate
        from nianbao.db import make_engine, make_session_factory

        with make_session_factory(make_engine(settings.database_url))() as session:
            report = evaluate(session, year, today)
        out = {"publishers": len(report["publishers"]), "counts": report["counts"]}
    out.update(wall_s=round(time.perf_counter() - t0, 2), **{k: round(v, 2) for k, v in _usage().items()},
               loadavg=[round(x, 2) for x in os.getloadavg()])
    return out


# --- projection -----------------------------------------------------------------------------------
def project(m: dict[str, Any], hosts: int, delay: float, per_host: int, global_limit: int,
            response_s: float, cores: int = 2) -> dict[str, Any]:
    """One season's pass over `hosts` county portals. Crawl: every host runs in parallel, its
    request starts ≥ `delay` apart and at most `per_host` in flight (so ≥ max(delay,
    response/per_host) a page); all hosts together at most `global_limit` in flight (≥
    response/global_limit a page) and at most the measured CPU per page on `cores` cores. The
    rest scales by publishers (the national average per county) from the measured wall time and
    CPU per publisher."""
    # the national world's average county (17 publishers), not the measured one's
    pubs = hosts * NATIONAL_PUBLISHERS / NATIONAL_HOSTS
    scale = pubs / m["publishers"]
    pages = m["crawl"]["pages"] * scale
    pages_per_host = pages / hosts
    bounds = {"per_host_s": pages_per_host * max(delay, response_s / per_host),
              "global_limit_s": pages * response_s / global_limit,
              "cpu_s": pages * m["crawl"]["cpu_s"] / m["crawl"]["pages"] / cores}
    crawl_s = max(bounds.values())
    stages = ("discover", "index", "compliance")
    # CPU on two idle cores: the stage's own (and its children's) plus Elasticsearch's
    cpu = {k: (m[k]["cpu_s"] + (m[k].get("es_cpu_s") or 0)) / cores for k in stages}
    return {"hosts": hosts, "publishers": round(pubs), "pages": round(pages),
            "delay_s": delay, "per_host": per_host, "global_limit": global_limit,
            "response_s": response_s, "crawl_min": round(crawl_s / 60, 1),
            "crawl_min_per_1000_hosts": round(crawl_s / 60 * 1000 / hosts, 1),
            "crawl_bound_by": max(bounds, key=lambda k: bounds[k]),
            "rest_min_measured_wall": round(sum(m[k]["wall_s"] for k in stages) * scale / 60, 1),
            "rest_min_2_idle_cores": round(sum(cpu.values()) * scale / 60, 1),
            "rest_min_by_stage_wall": {k: round(m[k]["wall_s"] * scale / 60, 1) for k in stages}}


def projections(m: dict[str, Any], global_limit: int, response_s: str) -> list[dict[str, Any]]:
    """1,000 hosts and the whole country, at 1 s and 2 s per host (2 in flight), at the
    run's global limit, 16 (the default until 2026-12-03) and 64 (the default since), for each
    assumed response time."""
    return [project(m, h, d, 2, g, r) for h in (1000, NATIONAL_HOSTS) for d in (1.0, 2.0)
            for g in sorted({global_limit, 16, 64}) for r in (float(x) for x in response_s.split(","))]


# --- orchestration --------------------------------------------------------------------------------
def _child(args: list[str], env: dict[str, str], timeout: float = 7200) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         timeout=timeout, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise SystemExit(f"stage {args[1]} failed: {out.stderr[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import yaml

    from bench.bench_crawl import UA, _registry_rows, _wait_for

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-sites", type=int, default=32, help="county hosts served (the first N: 32 = 北京 and 天津, 222 = and 河北)")
    ap.add_argument("--delay", type=float, default=0.05, help="seconds between a host's requests")
    ap.add_argument("--concurrency", type=int, default=2, help="requests in flight per host")
    ap.add_argument("--global-limit", type=int, default=64, help="requests in flight in all (the default of crawl_global_concurrency)")
    ap.add_argument("--year", type=int, default=2024, help="report year evaluated")
    ap.add_argument("--today", default="2025-06-30", help="the simulated web's date")
    ap.add_argument("--response-s", default="0.2,0.5,1.0", help="assumed real response times")
    ap.add_argument("--port", type=int, default=18831)
    ap.add_argument("--control-port", type=int, default=18830)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--stage", choices=["discover", "crawl", "index", "compliance"])
    ap.add_argument("--registry")
    ap.add_argument("--reproject", action="store_true", help="only recompute the projection of --out")
    ap.add_argument("--answer-s", type=float, default=0.0,
                    help="every simulated site answers after this many seconds (simweb's slow fault), "
                         "to measure the crawl at a real server's response time instead of assuming it")
    ap.add_argument("--keep", type=Path, help="copy the crawled data dir (state DB, archive) here, to "
                    "measure the index stage again: NIANBAO_DATA_DIR=<copy of it> … --stage index")
    a = ap.parse_args()
    if a.reproject:
        result = json.loads(a.out.read_text(encoding="utf-8"))
        result["projection"] = projections(result, a.global_limit, a.response_s)
        a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    today = date.fromisoformat(a.today)
    if a.stage:
        print(json.dumps(stage(a.stage, a.registry, a.year, today), ensure_ascii=False))
        return

    serve = [sys.executable, "-m", "nianbao.app.cli", "simweb", "serve", "--size", "national",
             "--max-sites", str(a.max_sites), "--date", a.today, "--port", str(a.port),
             "--control-port", str(a.control_port), "--last-year", str(a.year)]
    server = subprocess.Popen(serve, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
                              "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    try:
        hosts = _wait_for(f"http://127.0.0.1:{a.control_port}/_sim/state", timeout=120)["hosts"]
        rows = _registry_rows("national", hosts)
        if a.answer_s:
            import httpx

            httpx.post(f"http://127.0.0.1:{a.control_port}/_sim/faults",
                       json={"kind": "slow", "delay": a.answer_s}).raise_for_status()
        with tempfile.TemporaryDirectory(prefix="nb-season-") as tmp:
            reg = Path(tmp) / "publishers.yaml"
            reg.write_text(yaml.safe_dump({"publishers": rows}, allow_unicode=True), encoding="utf-8")
            env = {**os.environ, "NIANBAO_DATA_DIR": f"{tmp}/data", "NIANBAO_ES_PREFIX": "season-bench",
                   "NIANBAO_CRAWL_DELAY_SECONDS": str(a.delay),
                   "NIANBAO_CRAWL_HOST_CONCURRENCY": str(a.concurrency),
                   "NIANBAO_CRAWL_GLOBAL_CONCURRENCY": str(a.global_limit),
                   "NIANBAO_USER_AGENT": UA, "PYTHONPATH": str(ROOT)}
            result.update(hosts=len(hosts), publishers=len(rows),
                          provinces=sorted({r["province"] for r in rows}),
                          politeness={"delay_s": a.delay, "per_host": a.concurrency,
                                      "global_limit": a.global_limit}, answer_s=a.answer_s)
            for name in ("discover", "crawl", "index", "compliance"):
                sim0 = _proc_cpu_s(server.pid)
                r = _child(["--stage", name, "--registry", str(reg), "--year", str(a.year),
                            "--today", a.today], env)
                sim1 = _proc_cpu_s(server.pid)
                if sim0 is not None and sim1 is not None:
                    r["simweb_cpu_s"] = round(sim1 - sim0, 2)
                result[name] = r
                print(name, json.dumps(r, ensure_ascii=False), flush=True)
                if name == "crawl" and a.keep:
                    shutil.copytree(f"{tmp}/data", a.keep, dirs_exist_ok=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["projection"] = projections(result, a.global_limit, a.response_s)
    result["note"] = ("measured: every stage on the first --max-sites county hosts at --delay (wall, CPU incl. "
                      "children, peak RSS, Elasticsearch CPU for index); projected: a season's crawl at 1 s / 2 s "
                      "per host from the measured pages per host, with the real servers' response time assumed "
                      "(response_s), and the other stages scaled by hosts from the measured wall time (this "
                      "loaded machine) and CPU (two idle cores)")
    result["target"] = "crawl ≤ 15 min per 1,000 hosts; everything else ≤ 10 min (national)"
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["projection"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
