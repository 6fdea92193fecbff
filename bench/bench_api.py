"""API overhead benchmark (issue #5: "the API adds at most 30% to Elasticsearch's own time").

The same query mix as bench_search.py (phrase, boolean, filter, facet), each query measured two
ways, from the same client machine:

- **direct**: the exact requests `indexer.search.search` sends to Elasticsearch for that query
  (recorded once, then replayed byte for byte with a plain HTTP client, keep-alive, no gzip, as
  the Elasticsearch client sends them) — what Elasticsearch costs a caller;
- **api**: `GET /api/search?q=…` against `nianbao serve` (waitress, its own process) — the
  portal's whole answer: query parsing, the same Elasticsearch requests, hits and highlight
  fragments, facets, JSON, gzip.

ES's own `took` (max over the bodies of the _msearch, as the API reports it) is kept beside.
At concurrency 1 direct and api alternate query by query (so drift of a shared machine hits
both alike), which of the two goes first alternating too (the second of a pair finds
Elasticsearch's request cache warm for the facet counts); at 16 the rounds alternate
direct-then-api and api-then-direct over all queries.

    NIANBAO_ES_URL=… python bench/bench_api.py --docs 20000 --prefix bench-20k   # index from bench_search --keep

Results: bench/results/api.json, keyed by corpus size.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_search import make_queries, save, summary  # noqa: E402
from bench.bench_web import free_port, start_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "api.json"
Request = tuple[str, str, dict[str, Any], bytes, str]  # method, path, params, body, content-type


def record(es: Any, prefix: str, qd: dict[str, Any]) -> list[Request]:
    """The HTTP requests `indexer.search.search` makes for one query, as bytes."""
    from indexer import search as isearch

    seen: list[Request] = []
    real = es.perform_request

    def spy(method: str, path: str, *, params: Any = None, headers: Any = None, body: Any = None,
            **kw: Any) -> Any:
        if isinstance(body, list):  # _msearch: ndjson
            data, ctype = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in body).encode(), "application/x-ndjson"
        elif body is not None:
            data, ctype = json.dumps(body, ensure_ascii=False).encode(), "application/json"
        else:
            data, ctype = b"", ""
        seen.append((method, path, dict(params or {}), data, ctype))
        return real(method, path, params=params, headers=headers, body=body, **kw)

    es.perform_request = spy
    try:
        isearch.search(es, prefix, qd["q"], size=20, sort=qd["sort"], filters=qd["filters"])
    finally:
        del es.perform_request
    return seen


def api_path(qd: dict[str, Any]) -> str:
    params: list[tuple[str, str]] = [("q", qd["q"]), ("sort", qd["sort"]), ("size", "20")]
    for k, vals in qd["filters"].items():
        params += [(k, str(v)) for v in vals]
    return "/api/search?" + urlencode(params)


class Clients(threading.local):
    """One keep-alive client per worker thread, like a pooled application would hold."""

    def __init__(self, es_url: str, api_url: str) -> None:
        self.es = httpx.Client(base_url=es_url, timeout=60, headers={"Accept-Encoding": "identity"})
        self.api = httpx.Client(base_url=api_url, timeout=60)


def direct_ms(c: Clients, reqs: list[Request]) -> tuple[float, int]:
    t0 = time.perf_counter()
    took = 0
    for method, path, params, data, ctype in reqs:
        r = c.es.request(method, path, params=params, content=data or None,
                         headers={"Content-Type": ctype} if ctype else None)
        r.raise_for_status()
        took = max(took, max((x.get("took", 0) for x in r.json().get("responses", [r.json()])), default=0))
    return (time.perf_counter() - t0) * 1000, took


def api_ms(c: Clients, path: str) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    r = c.api.get(path)
    ms = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    m = re.search(r"dur=([\d.]+)", r.headers.get("Server-Timing", ""))
    return ms, float(m.group(1)) if m else float("nan"), int(r.json()["took_ms"])


def level(clients: Clients, work: list[tuple[dict[str, Any], list[Request], str]],
          concurrency: int, rounds: int) -> dict[str, Any]:
    out: dict[str, list[tuple[str, float]]] = {"direct": [], "api": [], "api_server": [], "took": []}

    def one_direct(w: tuple[dict[str, Any], list[Request], str]) -> None:
        ms, took = direct_ms(clients, w[1])
        out["direct"].append((w[0]["kind"], ms))
        out["took"].append((w[0]["kind"], took))

    def one_api(w: tuple[dict[str, Any], list[Request], str]) -> None:
        ms, server, _ = api_ms(clients, w[2])
        out["api"].append((w[0]["kind"], ms))
        out["api_server"].append((w[0]["kind"], server))

    t0 = time.perf_counter()
    for rnd in range(rounds):
        if concurrency == 1:
            # alternate query by query, and which goes first: the second of a pair finds the
            # request cache warm for its facet counts
            for i, w in enumerate(work):
                pair = (one_direct, one_api) if (i + rnd) % 2 == 0 else (one_api, one_direct)
                for fn in pair:
                    fn(w)
        else:
            order = (one_direct, one_api) if rnd % 2 == 0 else (one_api, one_direct)
            for fn in order:
                with ThreadPoolExecutor(concurrency) as pool:
                    list(pool.map(fn, work))
    wall = time.perf_counter() - t0
    res: dict[str, Any] = {"concurrency": concurrency, "rounds": rounds, "queries": len(work),
                           "wall_s": round(wall, 1), "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
    for k, v in out.items():
        kinds = sorted({kind for kind, _ in v})
        res[k] = {"all": summary([ms for _, ms in v]),
                  "by_kind": {kind: summary([ms for kk, ms in v if kk == kind]) for kind in kinds}}
    ratio = lambda a, b: round(a / b, 2) if b else None  # noqa: E731
    for stat in ("p50_ms", "p95_ms", "mean_ms"):
        res.setdefault("api_over_direct", {})[stat] = ratio(res["api"]["all"][stat], res["direct"]["all"][stat])
        res.setdefault("api_over_took", {})[stat] = ratio(res["api"]["all"][stat], res["took"]["all"][stat])
    res["api_over_direct_by_kind_p50"] = {
        kind: ratio(res["api"]["by_kind"][kind]["p50_ms"], res["direct"]["by_kind"][kind]["p50_ms"])
        for kind in res["direct"]["by_kind"]}
    return res


def main(argv: list[str] | None = None) -> int:
    from nianbao.es import es_client, es_url, server_version
    from nianbao.settings import get_settings

    ap = argparse.ArgumentParser(description="API overhead over direct Elasticsearch")
    ap.add_argument("--docs", type=int, default=20000, help="size of the indexed corpus (for the query mix)")
    ap.add_argument("--prefix", required=True, help="index prefix of a corpus left by bench_search --keep")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", default="1,16")
    ap.add_argument("--threads", type=int, default=16, help="portal (waitress) threads")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args(argv)
    settings = get_settings()
    url = es_url(settings)
    es = es_client(settings)
    queries = make_queries(a.docs, a.queries)
    work = [(qd, record(es, a.prefix, qd), api_path(qd)) for qd in queries]
    tmp = tempfile.mkdtemp(prefix="bench-api-")
    env = {**os.environ, "NIANBAO_ES_URL": url, "NIANBAO_ES_PREFIX": a.prefix,
           "NIANBAO_DB_URL": f"sqlite:///{tmp}/state.db", "NIANBAO_DATA_DIR": tmp}
    port = free_port()
    proc = start_server(env, port, threads=a.threads)
    result: dict[str, Any] = {"docs": a.docs, "server": server_version(es), "cpus": os.cpu_count(),
                              "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                              "loadavg_start": [round(x, 2) for x in os.getloadavg()],
                              "requests_per_search": {str(n): sum(len(w[1]) == n for w in work)
                                                      for n in sorted({len(w[1]) for w in work})},
                              "target": "api / direct <= 1.3", "levels": []}
    try:
        clients = Clients(url, f"http://127.0.0.1:{port}")
        for w in work[:40]:  # warm-up: jieba, caches on both sides, connections
            direct_ms(clients, w[1])
            api_ms(clients, w[2])
        for c in (int(x) for x in a.concurrency.split(",")):
            r = level(clients, work, c, a.rounds)
            result["levels"].append(r)
            print(json.dumps({k: r[k] for k in ("concurrency", "api_over_direct", "api_over_took")}
                             | {"api": r["api"]["all"], "direct": r["direct"]["all"], "took": r["took"]["all"]},
                             ensure_ascii=False), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    save(f"api_{a.docs}", result, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
