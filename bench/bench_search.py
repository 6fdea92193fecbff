"""Search benchmark: bulk indexing rate and search latency (p50/p95/p99), directly against ES.

    .venv/bin/python bench/bench_search.py --docs 20000            # small run (shared machine)
    .venv/bin/python bench/bench_search.py --docs 200000 --keep    # the real national corpus

The corpus is bench/gen_corpus.py (five years of a national set of publishers). Queries are a
fixed mix of phrase, boolean, filter and facet searches built the way the portal builds them
(indexer.search.search: the hits request, then one _msearch of size-0 facet requests), run at
each concurrency level; ES's own `took` is recorded beside the client time. `make_queries` and `run_load` are
reusable: the API benchmark runs the same mix through HTTP and compares with these numbers.
Results go to bench/results/search.json (merged by key, so other runs' entries survive).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen_corpus import PROVINCES, corpus, report  # noqa: E402
from indexer import store  # noqa: E402
from indexer.search import search  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "search.json"
WORDS = ["信息公开", "依申请公开", "预警信息", "政务新媒体", "保密审查", "营商环境", "财政预决算",
         "规范性文件", "绩效考核", "乡村振兴", "行政复议", "信息处理费", "新闻发布会"]
CODES = ["T3_BALANCE", "BLANK_CELL", "NARRATIVE_MISMATCH", "TEMPLATE_LEFTOVER", "DUPLICATE_TEXT"]


def make_queries(n_docs: int, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """A deterministic mix: {kind, q, filters, sort}. Phrases are real substrings of the corpus."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    kinds = ["phrase", "boolean", "filter", "facet"]
    for i in range(count):
        kind = kinds[i % 4]
        filters: dict[str, Any] = {}
        sort = "relevance"
        if kind == "phrase":
            text = report(rng.randrange(n_docs))[0]["text"].replace('"', "")
            n = rng.randint(2, 8)
            q = ""
            while sum(c.isalnum() for c in q) < 2:  # not a run of tabs and punctuation
                start = rng.randrange(0, len(text) - n)
                q = '"' + " ".join(text[start:start + n].split()) + '"'
        elif kind == "boolean":
            a, b, c = rng.sample(WORDS, 3)
            q = rng.choice([f"{a} OR {b}", f"({a} 或 {b}) 非 {c}", f"{a} AND NOT {c}", f"{a} {b}"])
        elif kind == "filter":
            year = rng.choice([2020, 2021, 2022, 2023, 2024])
            q = rng.choice([f"year:{year} applications.new.total>0",
                            f"appeals.review.corrected>=1 year>={year}",
                            f"finding:{rng.choice(CODES)} late:true",
                            f"{rng.choice(WORDS)} published:{year + 1}-02-01..{year + 1}-03-31"])
            sort = rng.choice(["relevance", "date", "place"])
        else:
            q = rng.choice(["", rng.choice(WORDS)])
            filters = {"year": [rng.choice([2022, 2023, 2024])],
                       "province": [rng.choice(PROVINCES)]}
            if rng.random() < 0.5:
                filters["timeliness"] = ["late"]
        out.append({"kind": kind, "q": q, "filters": filters, "sort": sort})
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return round(s[k], 2)


def summary(ms: list[float]) -> dict[str, Any]:
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99),
            "mean_ms": round(statistics.fmean(ms), 2) if ms else None}


def run_load(call: Callable[[dict[str, Any]], Any], queries: list[dict[str, Any]],
             concurrency: int) -> dict[str, Any]:
    """Run every query once with `concurrency` workers; latency = client wall time."""
    def timed(qd: dict[str, Any]) -> tuple[str, float]:
        t = time.perf_counter()
        call(qd)
        return qd["kind"], (time.perf_counter() - t) * 1000

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(timed, queries))
    wall = time.perf_counter() - t0
    by_kind: dict[str, list[float]] = {}
    for kind, ms in results:
        by_kind.setdefault(kind, []).append(ms)
    return {"concurrency": concurrency, "qps": round(len(queries) / wall, 1),
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "all": summary([ms for _, ms in results]),
            "by_kind": {k: summary(v) for k, v in sorted(by_kind.items())}}


def es_caller(es: Any, prefix: str, took: list[tuple[str, int]] | None = None) -> Callable[[dict[str, Any]], Any]:
    """indexer.search.search itself (what the API calls): its requests to Elasticsearch plus
    the Python work (query parsing, highlight fragments). ES's own `took` goes to `took`."""
    def call(qd: dict[str, Any]) -> Any:
        res = search(es, prefix, qd["q"], size=20, sort=qd["sort"], filters=qd["filters"])
        if took is not None:
            took.append((qd["kind"], res.took_ms))
        return res

    return call


def corpus_file(n_docs: int) -> Path:
    """The corpus as JSON lines ({"report", "meta"}), made once per size: indexing is measured
    from parsed reports on (generating a report costs ~1 ms, as much as building its document,
    and stands in for the parser, which has its own benchmark)."""
    path = Path(tempfile.gettempdir()) / f"nianbao-corpus-{n_docs}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            for rep, meta in corpus(n_docs):
                fh.write(orjson.dumps({"report": rep, "meta": meta}) + b"\n")
        tmp.rename(path)
    return path


def _batches(path: Path, size: int) -> Iterator[list[bytes]]:
    with path.open("rb") as fh:
        while batch := list(itertools.islice(fh, size)):
            yield batch


def _build_body(args: tuple[str, list[bytes]]) -> tuple[bytes, float]:
    """Worker: JSON lines → one `_bulk` body, and the CPU seconds it took."""
    index, lines = args
    t = time.process_time()
    docs = (store.build_doc(r["report"], r["meta"]) for r in map(orjson.loads, lines))
    return store.ndjson_body(index, docs), time.process_time() - t


def _load_procs(es: Any, target: str, path: Path, procs: int, threads: int, chunk: int) -> tuple[int, int, float]:
    """`procs` processes build and serialise bodies, `threads` threads send them."""
    n_ok = n_err = 0
    build = 0.0
    ctx = mp.get_context("forkserver")
    with ctx.Pool(procs) as pool, ThreadPoolExecutor(threads) as send:
        pending: list[Any] = []
        for body, cpu in pool.imap(_build_body, ((target, b) for b in _batches(path, chunk))):
            build += cpu
            pending.append(send.submit(store.post_ndjson, es, body))
            while len(pending) > 2 * threads:  # bounded: bodies are ~10 MB each
                ok, err = pending.pop(0).result()
                n_ok, n_err = n_ok + len(ok), n_err + len(err)
        for f in pending:
            ok, err = f.result()
            n_ok, n_err = n_ok + len(ok), n_err + len(err)
    return n_ok, n_err, build


def _load_threads(es: Any, target: str, path: Path, threads: int, chunk: int) -> tuple[int, int, float]:
    """The in-process way (what the pipeline does): build in `threads` threads, each its own
    slice of the corpus and its own streaming_bulk."""
    build_s = [0.0] * threads

    def docs(k: int):  # type: ignore[no-untyped-def]
        for i, batch in enumerate(_batches(path, chunk)):
            if i % threads != k:
                continue
            for line in batch:
                r = orjson.loads(line)
                t = time.thread_time()
                d = store.build_doc(r["report"], r["meta"])
                build_s[k] += time.thread_time() - t
                yield d

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outs = list(pool.map(lambda k: store.bulk(es, target, docs(k), chunk_size=chunk), range(threads)))
    return sum(len(ok) for ok, _ in outs), sum(len(err) for _, err in outs), sum(build_s)


def es_cpu_seconds() -> float | None:
    """CPU seconds of the local project-managed Elasticsearch (user + system), if it is the
    one we talk to; None otherwise."""
    from nianbao import es_server
    from nianbao.settings import get_settings

    settings = get_settings()
    pid = es_server._pid(es_server.paths(settings))
    if not pid or es_server.url_of(settings) != settings.es_url and settings.es_url:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def index_corpus(es: Any, prefix: str, n_docs: int, chunk: int = store.BULK_CHUNK, threads: int = 2,
                 procs: int = 0) -> dict[str, Any]:
    """Build (normalise + segment + bigrams) and bulk-index the corpus inside store.bulk_load,
    either in `threads` threads of this process (procs=0) or in `procs` worker processes with
    `threads` sending threads. CPU is recorded per side: a shared machine's wall time says
    little, the CPU cost per report does not depend on the neighbours."""
    path = corpus_file(n_docs)
    store.drop_all(es, prefix)
    target = store.ensure_indices(es, prefix)["reports"]
    ru0, es0, t0 = _rusage_s(), es_cpu_seconds(), time.perf_counter()
    with store.bulk_load(es, target):
        if procs:
            n_ok, n_err, build = _load_procs(es, target, path, procs, threads, chunk)
        else:
            n_ok, n_err, build = _load_threads(es, target, path, threads, chunk)
    total_s = time.perf_counter() - t0
    # the workers' build CPU is counted by themselves: forkserver children are not ours to reap
    py_cpu, es1 = _rusage_s() - ru0 + (build if procs else 0.0), es_cpu_seconds()
    es_cpu = es1 - es0 if es1 is not None and es0 is not None else None
    load = [round(x, 2) for x in os.getloadavg()]
    t1 = time.perf_counter()
    es.options(request_timeout=3600).indices.forcemerge(index=target, max_num_segments=1, wait_for_completion=True)
    merge_s = time.perf_counter() - t1
    size = es.indices.stats(index=target, metric="store")["indices"][target]["total"]["store"]["size_in_bytes"]
    out = {"docs": n_ok, "errors": n_err, "threads": threads, "procs": procs, "chunk": chunk,
           "total_s": round(total_s, 1), "reports_per_s_end_to_end": round(n_ok / total_s, 1),
           "build_ms_cpu_per_report": round(build / n_ok * 1000, 3),
           "python_ms_cpu_per_report": round(py_cpu / n_ok * 1000, 3),
           "forcemerge_s": round(merge_s, 1), "index_mb": round(size / 1e6, 1), "loadavg_after": load}
    if es_cpu is not None:
        out["es_ms_cpu_per_report"] = round(es_cpu / n_ok * 1000, 3)
        # what two idle cores would give: both sides' CPU per report, spread over 2 cores
        out["reports_per_s_2_idle_cores"] = round(2 * n_ok / (py_cpu + es_cpu), 1)
    return out


def evict_page_cache(root: Path) -> int:
    """Drop the files under `root` from the OS page cache (posix_fadvise DONTNEED, file by
    file): this node's index only, not the shared machine's whole cache. Returns the bytes."""
    total = 0
    for f in root.rglob("*"):
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                total += os.fstat(fd).st_size
            finally:
                os.close(fd)
    return total


def restart_cold(es: Any, prefix: str, preload: list[str] | None) -> dict[str, Any]:
    """Stop the project-managed Elasticsearch, evict its files from the page cache, start it.
    `preload` (e.g. nvd,dvd,tim,doc) is first set as the index's `index.store.preload` (a
    static setting: the index is closed for it); [] removes it."""
    from nianbao import es_server
    from nianbao.settings import get_settings

    settings = get_settings()
    if preload is not None:
        target = store.alias_target(es, f"{prefix}-reports")
        es.indices.close(index=target)
        es.indices.put_settings(index=target, settings={"index.store.preload": preload or None})
        es.indices.open(index=target, wait_for_active_shards=1)
    es_server.stop(settings)
    evicted = evict_page_cache(es_server.paths(settings).data)
    t = time.perf_counter()
    es_server.start(settings)
    return {"evicted_mb": round(evicted / 1e6, 1), "start_s": round(time.perf_counter() - t, 1),
            "preload": preload}


def run_for(call: Callable[[dict[str, Any]], Any], queries: list[dict[str, Any]],
            seconds: float) -> list[tuple[float, str, float]]:
    """Concurrency 1 for `seconds`, cycling through `queries`: (start offset s, kind, ms)."""
    out: list[tuple[float, str, float]] = []
    t0 = time.perf_counter()
    for qd in itertools.cycle(queries):
        t = time.perf_counter()
        if t - t0 >= seconds:
            break
        call(qd)
        out.append((t - t0, qd["kind"], (time.perf_counter() - t) * 1000))
    return out


def after_restart(prefix: str, n_docs: int, warmup: bool, preload: list[str] | None,
                  seconds: float = 60.0, window: float = 10.0) -> dict[str, Any]:
    """Search latency in the first `seconds` after a cold restart (ES stopped, its files out
    of the page cache, started), with or without indexer.warmup first. The clock starts when
    the restart (and the warm-up) is over: when `nianbao es start` would return."""
    from indexer.warmup import warm
    from nianbao.es import es_client
    from nianbao.settings import get_settings

    out = restart_cold(es_client(get_settings()), prefix, preload)
    es = es_client(get_settings(), request_timeout=600)  # a new port: a new client
    out["warmup"] = warm(es, prefix, get_settings().es_warmup_seconds) if warmup else None
    out["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    runs = run_for(es_caller(es, prefix), make_queries(n_docs, 5000, seed=11), seconds)
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    out["first_minute"] = summary([ms for _, _, ms in runs])
    out["by_kind"] = {k: summary([ms for _, kk, ms in runs if kk == k]) for k in sorted({r[1] for r in runs})}
    out["windows"] = [{"from_s": w, **summary([ms for t, _, ms in runs if w <= t < w + window])}
                      for w in range(0, int(seconds), int(window))]
    return out


def _rusage_s() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def save(key: str, result: dict[str, Any], path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = result
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    from nianbao.es import es_client, server_version
    from nianbao.settings import get_settings

    ap = argparse.ArgumentParser(description="search benchmark (direct Elasticsearch)")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--queries", type=int, default=400, help="queries per concurrency level")
    ap.add_argument("--concurrency", default="1,16")
    ap.add_argument("--prefix", default=f"bench-{uuid.uuid4().hex[:6]}")
    ap.add_argument("--keep", action="store_true", help="keep the index afterwards")
    ap.add_argument("--reuse", action="store_true", help="search an index left by --keep")
    ap.add_argument("--threads", type=int, default=2, help="bulk sending threads (2 at most here)")
    ap.add_argument("--procs", type=int, default=2,
                    help="document-building processes (0: build in the sending threads, in-process)")
    ap.add_argument("--chunk", type=int, default=store.BULK_CHUNK, help="reports per bulk request")
    ap.add_argument("--index-only", action="store_true", help="index, no searches")
    ap.add_argument("--warm", action="store_true",
                    help="keep the request/query caches between levels (default: each level starts cold)")
    ap.add_argument("--after-restart", type=float, metavar="SECONDS",
                    help="with --reuse: restart the managed ES cold (page cache of its files "
                         "dropped), then search for SECONDS at concurrency 1")
    ap.add_argument("--warmup", action="store_true", help="after the restart, run indexer.warmup first")
    ap.add_argument("--preload", help="set index.store.preload to these extensions before the "
                                      "restart (comma-separated; '' removes it)")
    ap.add_argument("--key", help="result key (default direct_es_<docs>)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args(argv)
    key = a.key or f"direct_es_{a.docs}"
    settings = get_settings()
    es = es_client(settings, request_timeout=600, connections_per_node=32)
    result: dict[str, Any] = {"docs": a.docs, "server": server_version(es),
                              "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                              "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    try:
        if a.reuse:  # keep the indexing figures of the run that built the index
            old = json.loads(a.out.read_text()).get(key, {}) if a.out.exists() else {}
            if "indexing" in old:
                result["indexing"] = {**old["indexing"],
                                      "from_run": old["indexing"].get("from_run") or old.get("when")}
        else:
            result["indexing"] = index_corpus(es, a.prefix, a.docs, a.chunk, threads=a.threads, procs=a.procs)
            print(json.dumps(result["indexing"], ensure_ascii=False), flush=True)
        if a.after_restart:
            preload = None if a.preload is None else [x for x in a.preload.split(",") if x]
            result["after_restart"] = after_restart(a.prefix, a.docs, a.warmup, preload, a.after_restart)
            print(json.dumps(result["after_restart"], ensure_ascii=False), flush=True)
            save(key, result, a.out)
            return 0
        if a.index_only:
            save(key, result, a.out)
            return 0
        queries = make_queries(a.docs, a.queries)
        for qd in queries[:20]:  # warm-up
            es_caller(es, a.prefix)(qd)
        result["search_direct_es"] = []
        for c in (int(x) for x in a.concurrency.split(",")):
            if not a.warm:  # each level starts cold: no cache entries from the last one
                es.indices.clear_cache(index=f"{a.prefix}-reports", request=True, query=True)
            took: list[tuple[str, int]] = []
            r = run_load(es_caller(es, a.prefix, took), queries, c)
            r["es_took"] = {k: summary([float(t) for kk, t in took if kk == k]) for k in sorted({k for k, _ in took})}
            result["search_direct_es"].append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
    finally:
        if not a.keep and not a.after_restart:  # after a restart `es` is stale (new port)
            store.drop_all(es, a.prefix)
    result["loadavg_end"] = os.getloadavg()
    result["caches"] = "kept between levels" if a.warm else "cleared before each level"
    save(key, result, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
