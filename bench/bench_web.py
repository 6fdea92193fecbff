"""Portal benchmark: server time (p50/p95/p99) of the search page and the compliance dashboard
at concurrency 1 and 16, and page weight (HTML + CSS + JS, as transferred with gzip).

The portal runs as `nianbao serve` (waitress) in its own process against the real Elasticsearch;
the server time is read from each response's `Server-Timing` header (client latency is kept too).

    python bench/bench_web.py                 # small corpus (1,000 reports)
    python bench/bench_web.py --docs 200000   # five years of 40,000 publishers

Writes bench/results/web.json (one entry per corpus size under "runs").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import nianbao.app  # noqa: E402, F401  (the model registry: init_db sees every table)

SEARCHES = ["/search?q=政府信息公开", '/search?q="行政复议"', "/search?q=主动公开+year:2024",
            "/search?q=applications.new.total>0", "/search?q=finding:T3_BALANCE&sort=date",
            "/search?q=培训+OR+新闻发布会&page=3"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def index_corpus(es, prefix: str, n: int) -> float:
    """Index n generated reports (skipped when the index already holds them)."""
    import gen_corpus

    from indexer import store

    store.ensure_indices(es, prefix)
    have = es.count(index=f"{prefix}-reports")["count"]
    if have >= n:
        return 0.0
    t0 = time.perf_counter()
    batch: list[dict] = []
    for rep, meta in gen_corpus.corpus(n - have, start=have):
        batch.append(store.build_doc(rep, meta))
        if len(batch) == 500:
            store.index_reports(es, prefix, batch)
            batch = []
    if batch:
        store.index_reports(es, prefix, batch)
    es.indices.refresh(index=f"{prefix}-reports")
    return time.perf_counter() - t0


def fill_db(url: str, n: int) -> dict:
    """Registry rows for every generated publisher, documents of 2024, one listing crawl each."""
    import gen_corpus

    from crawler.models import Document, ListingCrawl, PublisherRow
    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(url)
    init_db(engine)
    s = make_session_factory(engine)()
    n_pubs = (n + 4) // 5
    first = gen_corpus.publisher(0)
    entry = lambda i: f"http://gov{i % 997}.example.cn/xxgk/list.html"  # noqa: E731
    for i in range(n_pubs):
        p = gen_corpus.publisher(i)
        s.add(PublisherRow(id=p["id"], name=p["organ"], level=p["level"], province=p["province"],
                           city=p["city"], county=p["county"], entry_url=entry(i)))
    s.flush()  # publishers before the documents that point to them
    for i in range(n_pubs):
        if i * 5 + 4 < n:
            rep, meta = gen_corpus.report(i * 5 + 4)  # the 2024 report
            pub = datetime.fromisoformat(rep["published"]).replace(tzinfo=None)
            s.add(Document(publisher_id=meta["publisher_id"], url=meta["url"], entry_url=entry(i),
                           title=rep["title"], organ=rep["organ"], year=2024, published_shown=pub,
                           first_seen=pub, last_seen=pub, status="live"))
        if i < 997:
            s.add(ListingCrawl(run_id="b1", entry_url=entry(i), url=entry(i), host=f"gov{i}", ok=True,
                               status="ok", crawled_at=datetime(2025, 3, 1), report_urls=[]))
        if i % 2000 == 1999:
            s.flush()
    s.commit()
    s.close()
    return first


def start_server(env: dict, port: int, threads: int = 16) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "nianbao"), "serve", "--port", str(port), "--threads", str(threads)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/help", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"portal did not start: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return round(values[k], 1)


def run(base: str, paths: list[str], total: int, concurrency: int) -> dict:
    server: list[float] = []
    client: list[float] = []
    errors = 0

    def one(i: int) -> None:
        nonlocal errors
        path = paths[i % len(paths)]
        with httpx.Client(base_url=base, timeout=60) as c:
            t0 = time.perf_counter()
            r = c.get(path, headers={"Accept-Encoding": "gzip"})
            client.append((time.perf_counter() - t0) * 1000)
        m = re.search(r"dur=([\d.]+)", r.headers.get("Server-Timing", ""))
        if r.status_code != 200 or not m:
            errors += 1
            return
        server.append(float(m.group(1)))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(total)))
    wall = time.perf_counter() - t0
    return {"requests": total, "concurrency": concurrency, "errors": errors,
            "throughput_rps": round(total / wall, 1),
            "server_ms": {"p50": pct(server, 50), "p95": pct(server, 95), "p99": pct(server, 99),
                          "mean": round(statistics.fmean(server), 1) if server else None},
            "client_ms": {"p50": pct(client, 50), "p95": pct(client, 95), "p99": pct(client, 99)}}


def page_weight(base: str, path: str) -> dict:
    """Bytes of the page and every stylesheet/script it loads, gzip as sent and raw."""
    with httpx.Client(base_url=base, timeout=60) as c:
        html = c.get(path, headers={"Accept-Encoding": "gzip"})
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js|svg))"', html.text)
        sent = int(html.headers.get("Content-Length") or len(html.content))
        raw = len(html.content)
        for a in assets:
            r = c.get(a, headers={"Accept-Encoding": "gzip"})
            sent += int(r.headers.get("Content-Length") or len(r.content))
            raw += len(r.content)
    return {"path": path, "assets": assets, "transferred_kb": round(sent / 1024, 1),
            "uncompressed_kb": round(raw / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="portal benchmark")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=60, help="requests per scenario")
    ap.add_argument("--prefix", default=None, help="ES index prefix (default bench-web-<docs>)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "web.json"))
    a = ap.parse_args(argv)

    from nianbao import es_server
    from nianbao.es import es_client
    from nianbao.settings import get_settings

    settings = get_settings()
    es_url = settings.es_url or es_server.start(settings)
    es = es_client(settings.model_copy(update={"es_url": es_url}))
    prefix = a.prefix or f"bench-web-{a.docs}"
    index_s = index_corpus(es, prefix, a.docs)
    tmp = tempfile.mkdtemp(prefix="bench-web-")
    db_url = f"sqlite:///{tmp}/state.db"
    first = fill_db(db_url, a.docs)
    port = free_port()
    env = {**os.environ, "NIANBAO_ES_URL": es_url, "NIANBAO_ES_PREFIX": prefix,
           "NIANBAO_DB_URL": db_url, "NIANBAO_DATA_DIR": tmp}
    proc = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    # A second portal with the compliance cache off: the dashboard's cold cost on every request.
    port2 = free_port()
    proc2 = start_server({**env, "NIANBAO_FLASK_NIANBAO_COMPLIANCE_TTL": "0"}, port2)
    base2 = f"http://127.0.0.1:{port2}"
    dashboards = ["/compliance?year=2024", f"/compliance?year=2024&province={first['province']}",
                  f"/compliance?year=2024&province={first['province']}&city={first['city']}&county={first['county']}"]
    try:
        for p in SEARCHES + dashboards:  # warm caches once
            httpx.get(base + p, timeout=120)
        results: dict = {"search": {}, "dashboard": {}, "dashboard_uncached": {}}
        for c in (1, 16):
            results["search"][f"c{c}"] = run(base, SEARCHES, a.requests, c)
            results["dashboard"][f"c{c}"] = run(base, dashboards, max(a.requests // 2, 10), c)
            results["dashboard_uncached"][f"c{c}"] = run(base2, dashboards, max(a.requests // 4, 8), c)
        weight = {"search": page_weight(base, SEARCHES[0]), "report": None,
                  "dashboard": page_weight(base, dashboards[-1])}
        hit = httpx.get(base + "/api/search?q=政府信息公开&size=1").json()["hits"]
        if hit:
            weight["report"] = page_weight(base, f"/reports/{hit[0]['id']}")
    finally:
        for p in (proc, proc2):
            p.terminate()
            p.wait(timeout=10)
    out = {"docs": a.docs, "publishers": (a.docs + 4) // 5, "index_seconds": round(index_s, 1),
           "machine": "2 cores shared", "targets": {"search_p95_c1_ms": 150, "page_weight_kb": 300},
           **results, "page_weight": weight}
    out["when"] = datetime.now().isoformat(timespec="seconds")
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)  # the machine is shared: context for the numbers
    path = Path(a.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    runs = {}
    if path.exists():  # one file, one entry per corpus size
        try:
            runs = json.loads(path.read_text(encoding="utf-8")).get("runs", {})
        except ValueError:
            runs = {}
    runs[str(a.docs)] = out
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
