"""Warm-up after an Elasticsearch restart: rounds of representative searches (phrase, boolean,
filter, facet; `queries`) through `indexer.search.search` against the reports alias, until a
whole round runs at warm speed or `es_warmup_seconds` pass (0 = off), so the first readers do
not pay for a cold node: the JVM compiling the search code, index files read from disk, doc
values of facets and sorts. Run by `nianbao es start`, `nianbao serve` and the demo. Measured
in bench/README.md § Search after a restart."""

from __future__ import annotations

import logging
import time
from typing import Any

from elasticsearch import Elasticsearch

from nianbao.es import es_client
from nianbao.settings import get_settings

from .search import alias, search

log = logging.getLogger(__name__)

# Words of every report's template (bench/bench_search.py WORDS): each round uses others, so
# a round is new work for Elasticsearch (its request cache would answer a repeat).
WORDS = ["信息公开", "依申请公开", "预警信息", "政务新媒体", "保密审查", "营商环境", "财政预决算",
         "规范性文件", "绩效考核", "乡村振兴", "行政复议", "信息处理费", "新闻发布会"]
WARM_MS = 50.0  # a round whose every search is faster than this: the node is warm, stop


def queries(k: int) -> list[dict[str, Any]]:
    """Round k: the portal's four kinds (phrase, boolean, filter, facet) in every sort order,
    so each sort field's doc values are read too."""
    w = [WORDS[(k * 3 + i) % len(WORDS)] for i in range(4)]
    year = 2020 + k % 5
    return [
        {"q": f'"{w[0]}"'},
        {"q": f'"{w[1]}" "{w[2]}"', "sort": "date"},
        {"q": f'"{k % 10} 0 {k % 7}"'},  # table digits, found in nearly every report
        {"q": f"{w[0]} OR {w[3]}"},
        {"q": f"({w[1]} 或 {w[2]}) 非 {w[3]}", "sort": "place"},
        {"q": f"{w[2]} AND NOT {w[0]}"},
        {"q": f"applications.new.total>{k} year>={year}", "sort": "date"},
        {"q": f"appeals.review.corrected>={1 + k % 3} late:true"},
        {"q": f"finding:T3_BALANCE published:{year + 1}-01-01..{year + 1}-12-31", "sort": "place"},
        {"q": "", "filters": {"year": [year]}},
        {"q": "", "filters": {"timeliness": ["late"], "year": [year]}, "sort": "date"},
        {"q": w[3], "filters": {"year": [year]}},
    ]


def warm(es: Elasticsearch, prefix: str, seconds: float) -> dict[str, Any]:
    """Run rounds of queries(k) until a whole round is warm (every search < WARM_MS) or
    `seconds` have passed. Returns {"queries", "rounds", "seconds", "last_round_max_ms"}, or
    {"skipped": reason} when warm-up is off or the reports alias does not exist yet."""
    if seconds <= 0:
        return {"skipped": "es_warmup_seconds is 0"}
    if not es.indices.exists_alias(name=alias(prefix)):
        return {"skipped": f"no index {alias(prefix)}"}
    client = es.options(request_timeout=max(1.0, seconds))
    t0 = time.monotonic()
    done = rounds = 0
    slowest = float("inf")
    while slowest >= WARM_MS and time.monotonic() - t0 < seconds:
        slowest = 0.0
        for qd in queries(rounds):
            if time.monotonic() - t0 >= seconds:
                break
            t = time.perf_counter()
            try:
                search(client, prefix, qd["q"], sort=qd.get("sort", "relevance"), filters=qd.get("filters"))
            except Exception as exc:  # a warm-up never stops a start  # noqa: BLE001
                log.warning("warm-up query %r failed: %s", qd["q"], exc)
                continue
            slowest = max(slowest, (time.perf_counter() - t) * 1000)
            done += 1
        rounds += 1
    return {"queries": done, "rounds": rounds, "seconds": round(time.monotonic() - t0, 2),
            "last_round_max_ms": round(slowest, 1)}


def warm_configured(settings: Any = None) -> dict[str, Any]:
    """warm() with the configured client, prefix and bound; never raises (a start goes on)."""
    s = settings or get_settings()
    try:
        return warm(es_client(s), s.es_index_prefix, s.es_warmup_seconds)
    except Exception as exc:  # noqa: BLE001
        return {"skipped": f"{type(exc).__name__}: {exc}"[:200]}
