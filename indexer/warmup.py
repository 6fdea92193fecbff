"""Warm-up after an Elasticsearch restart: a fixed set of representative searches run once
through `indexer.search.search` against the reports alias, so the first readers do not pay for
loading the index from disk (term dictionaries, postings, doc values for facets and sorts,
norms, stored fields of the first hits). Run by `nianbao es start`, `nianbao serve` and the
demo; bounded by `es_warmup_seconds` (0 = off). Measured in bench/README.md § Search after a
restart."""

from __future__ import annotations

import logging
import time
from typing import Any

from elasticsearch import Elasticsearch

from .search import alias, search

log = logging.getLogger(__name__)

# The portal's four kinds (bench/bench_search.py make_queries): phrase, boolean, filter, facet;
# every sort order, so each sort field's doc values are read once.
QUERIES: list[dict[str, Any]] = [
    {"q": '"政府信息公开"'},
    {"q": '"依申请公开" "行政复议"', "sort": "date"},
    {"q": '"0 0 0"'},
    {"q": "信息公开 OR 预警信息"},
    {"q": "(保密审查 或 营商环境) 非 乡村振兴", "sort": "place"},
    {"q": "财政预决算 AND NOT 绩效考核"},
    {"q": "applications.new.total>0 year>=2022", "sort": "date"},
    {"q": "appeals.review.corrected>=1 late:true"},
    {"q": "finding:T3_BALANCE published:2024-01-01..2024-12-31", "sort": "place"},
    {"q": ""},
    {"q": "", "filters": {"timeliness": ["late"]}, "sort": "date"},
    {"q": "规范性文件", "filters": {"year": [2023]}},
]


def warm(es: Elasticsearch, prefix: str, seconds: float) -> dict[str, Any]:
    """Run QUERIES once (stopping at the deadline). Returns {"queries", "seconds"}, or
    {"skipped": reason} when warm-up is off or the reports alias does not exist yet."""
    if seconds <= 0:
        return {"skipped": "es_warmup_seconds is 0"}
    if not es.indices.exists_alias(name=alias(prefix)):
        return {"skipped": f"no index {alias(prefix)}"}
    t0 = time.monotonic()
    done = 0
    for qd in QUERIES:
        if time.monotonic() - t0 > seconds:
            break
        try:
            search(es.options(request_timeout=max(1.0, seconds)), prefix, qd["q"],
                   sort=qd.get("sort", "relevance"), filters=qd.get("filters"))
        except Exception as exc:  # a warm-up never stops a start  # noqa: BLE001
            log.warning("warm-up query %r failed: %s", qd["q"], exc)
            continue
        done += 1
    return {"queries": done, "seconds": round(time.monotonic() - t0, 2)}


def warm_configured(settings: Any = None) -> dict[str, Any]:
    """warm() with the configured client, prefix and bound; never raises (a start goes on)."""
    from nianbao.es import es_client
    from nianbao.settings import get_settings

    s = settings or get_settings()
    try:
        return warm(es_client(s), s.es_index_prefix, s.es_warmup_seconds)
    except Exception as exc:  # noqa: BLE001
        return {"skipped": f"{type(exc).__name__}: {exc}"[:200]}
