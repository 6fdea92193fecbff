"""Searching the reports: ranked and faceted results, deep iteration, figures for charts.

Result shapes (what web/api_search.py serves as JSON):

- `search()` → SearchResult.to_dict():
  `{total, took_ms, page, size, sort, query, hits: [{id, title, organ, place, county, city,
  province, year, published, url, status, timeliness, highlight: [html…], findings: [codes]}],
  facets: {year|province|city|county|finding|timeliness: [{value, count, selected}]},
  next_cursor, total_exact, facets_sampled}` — highlight fragments are HTML-escaped with
  <mark>…</mark> around matches; above TOTAL_LIMIT matches `total` and the facet counts are
  estimates from a random sample (`total_exact` false, `facets_sampled` true).
- `stats()` → `{metric, by, split, year, buckets: [{key, count, sum, avg, max, split: […]}]}`.
- `get_report()` → the stored document (contract JSON + ES metadata) or None;
  `versions()` → past versions, newest first.
- `new_matches()` → the ids among the given ones that a saved query matches.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, fields
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch import ConnectionError as EsConnectionError

from nianbao.errors import ServiceUnavailable, UsageError

from . import highlight as hl
from . import mappings as m
from .query import Query, parse_query
from .segment import normalize

# facet name → indexed field
FACETS = {"year": "year", "province": "province", "city": "city", "county": "county",
          "finding": "finding_codes", "timeliness": "timeliness"}
# A report without a value for one of these facets is counted under UNKNOWN (the portal calls it
# "unknown / other"), and filtering by UNKNOWN finds them, so the buckets add up to the total.
UNKNOWN = "__none__"
MISSING_BUCKET = ("province", "city", "county")
FACET_SIZES = {"year": 20, "province": 40, "city": 50, "county": 50, "finding": 30, "timeliness": 3}
SORTS = {
    "relevance": [{"_score": "desc"}, {"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    "date": [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    "date_asc": [{"published": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
    "place": [{"province": {"order": "asc", "missing": "_last"}}, {"city": {"order": "asc", "missing": "_last"}},
              {"county": {"order": "asc", "missing": "_last"}}, {"place": {"order": "asc", "missing": "_last"}},
              {"year": "desc"}, {"id": "asc"}],
}
# Relevance alone, ties in index order: lets Lucene skip blocks of documents that cannot reach
# the top (block-max WAND). Any secondary sort key switched that off: broad phrase queries
# ("0 0 0" in every table) took 70-130 ms instead of 10-20 on 200k reports. Used for pages
# reached by number of queries with text; the page that hands out a cursor and the cursor
# pages use the full, unique SORTS["relevance"] so that search_after can resume (at that one
# seam, documents with exactly the same score may change places). Without text every score
# is equal and the full sort is the only order there is.
FAST_RELEVANCE = [{"_score": "desc"}]
HIT_FIELDS = ["id", "title", "organ", "place", "county", "city", "province", "year", "published",
              "url", "status", "timeliness", "finding_codes"]
MAX_WINDOW = 10_000
TOTAL_LIMIT = 10_000  # matches counted exactly; above, total and facets are estimated
SAMPLE_DOCS = 20_000  # documents a sampled facet count looks at (about)
SAMPLER = "_sample"
_DOC_COUNTS: dict[str, tuple[float, int]] = {}
STATS_BY = {"year", "province", "city", "county", "place", "organ", "template", "format", "timeliness"}


class SearchError(UsageError):
    """Bad search parameters (not the query text: that is QuerySyntaxError)."""


@dataclass
class SearchResult:
    total: int
    took_ms: int
    page: int
    size: int
    sort: str
    query: str
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_cursor: str | None = None
    total_exact: bool = True
    facets_sampled: bool = False

    def to_dict(self) -> dict[str, Any]:
        # shallow: the values are JSON values already (asdict's deep copy cost ~1 ms a search)
        return {f.name: getattr(self, f.name) for f in fields(self)}


def alias(prefix: str) -> str:
    return m.alias_name(prefix, "reports")


# --- building the request --------------------------------------------------------------------

def _facet_filter(name: str, values: list[Any]) -> dict[str, Any]:
    f = FACETS[name]
    if name == "year":
        values = [year_value(v) for v in values]
    if name in MISSING_BUCKET and UNKNOWN in values:
        known = [v for v in values if v != UNKNOWN]
        none = {"bool": {"must_not": [{"exists": {"field": f}}]}}
        if not known:
            return none
        return {"bool": {"should": [{"terms": {f: known}}, none], "minimum_should_match": 1}}
    return {"terms": {f: values}}


def year_value(v: Any) -> int:
    """A report year as a filter takes it (ValueError for anything else: 1e30, 10**20, 2024.5)."""
    year = int(str(v).strip())
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {v!r}")
    return year


def _clean_filters(filters: dict[str, Any] | None) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for k, v in (filters or {}).items():
        if k not in FACETS:
            raise SearchError(f"未知的筛选项 {k} / unknown facet '{k}' (use {', '.join(FACETS)})")
        vals = [x for x in (v if isinstance(v, list | tuple | set) else [v]) if x not in (None, "")]
        if vals:
            try:
                _facet_filter(k, vals)
            except ValueError:
                raise SearchError(f"筛选值无效 / bad value for facet {k}: {vals}") from None
            out[k] = vals
    return out


def _terms_agg(name: str) -> dict[str, Any]:
    terms: dict[str, Any] = {"field": FACETS[name], "size": FACET_SIZES[name]}
    if name == "year":
        terms["order"] = {"_key": "desc"}
    if name in MISSING_BUCKET:
        terms["missing"] = UNKNOWN
    return {"terms": terms}


def _filtered(query: dict[str, Any], filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"must": [query], "filter": filters}} if filters else query


def facet_bodies(query: dict[str, Any], filters: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Size-0 requests for the facets that have a selection: each counts under every selected
    filter except its own, so the other choices stay visible. (The unselected facets are plain
    terms aggregations in the main request, whose query already carries every filter: cheaper
    than filter-wrapped aggregations over all hits + a post_filter.)"""
    out = []
    for name in filters:
        others = [_facet_filter(k, v) for k, v in filters.items() if k != name]
        out.append({"query": _filtered(query, others), "size": 0, "track_total_hits": False,
                    "aggs": {name: _terms_agg(name)}})
    return out


# How long a cursor's point in time lives without use (each cursor page renews it).
PIT_KEEP_ALIVE = "10m"


class PitGone(Exception):
    """A cursor's point in time has expired (or belongs to a restarted server)."""


def _cursor_encode(sort_values: list[Any], pit: str | None = None) -> str:
    raw = json.dumps({"after": sort_values, "pit": pit}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[list[Any], str | None]:
    """(search_after values, point-in-time id or None). A bare list is a cursor from before
    points in time were kept in it."""
    try:
        pad = "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(cursor + pad))
        if isinstance(values, list):
            return values, None
        assert isinstance(values, dict) and isinstance(values["after"], list)
        assert values.get("pit") is None or isinstance(values["pit"], str)
        return values["after"], values.get("pit")
    except Exception:
        raise SearchError("翻页游标无效 / invalid cursor") from None


def _open_pit(es: Elasticsearch, index: str) -> str | None:
    """A point in time for the cursor pages to read one snapshot; None if the server refuses
    (too many open: the cursor then reads the live index)."""
    try:
        return str(es.open_point_in_time(index=index, keep_alive=PIT_KEEP_ALIVE)["id"])
    except (ApiError, EsConnectionError):
        return None


def build_searches(q: str | Query | None, *, page: int = 1, size: int = 20, sort: str = "relevance",
                   filters: dict[str, Any] | None = None, facets: bool = True,
                   cursor: str | None = None, highlight: bool = True,
                   resumable: bool = True) -> list[dict[str, Any]]:
    """The request bodies of one search (exposed for the benchmark and for debugging): the
    main one (hits; the total counted exactly up to TOTAL_LIMIT), then, with facets, one size-0
    body for the unselected facets and one per selected facet (see facet_bodies).
    `resumable`: the hits carry the full sort values a cursor needs (else relevance is sorted
    by score alone, FAST_RELEVANCE). A cursor page reads the cursor's point in time, so pages
    past the window see one snapshot."""
    if sort not in SORTS:
        raise SearchError(f"未知的排序 {sort} / unknown sort (use {', '.join(SORTS)})")
    if not 1 <= size <= 200:
        raise SearchError("每页条数应在 1–200 之间 / size must be 1..200")
    if page < 1:
        raise SearchError("页码从 1 开始 / page starts at 1")
    if cursor is None and page * size > MAX_WINDOW:
        raise SearchError(f"只能直接翻到前 {MAX_WINDOW} 条，请用 cursor / beyond {MAX_WINDOW} results use the cursor")
    query = q if isinstance(q, Query) else parse_query(q)
    flt = _clean_filters(filters)
    qes = query.to_es()
    everything = _filtered(qes, [_facet_filter(k, v) for k, v in flt.items()])
    fast = sort == "relevance" and not resumable and not cursor and query.has_text
    order = FAST_RELEVANCE if fast else SORTS[sort]
    body: dict[str, Any] = {"query": everything, "size": size, "sort": order,
                            "_source": HIT_FIELDS, "track_total_hits": TOTAL_LIMIT}
    if cursor:
        body["search_after"], pit_id = _cursor_decode(cursor)
        if pit_id:
            body["pit"] = {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}
    else:
        body["from"] = (page - 1) * size
    if highlight:  # fragments are cut in Python (indexer.highlight) from text_norm
        body["_source"] = [*HIT_FIELDS, "text_norm"]
    if not facets:
        return [body]
    rest = {"query": everything, "size": 0, "track_total_hits": False,
            "aggs": {name: _terms_agg(name) for name in FACETS if name not in flt}}
    return [body, rest, *facet_bodies(qes, flt)]


def build_body(q: str | None, **kw: Any) -> dict[str, Any]:
    """The main request body only (see build_searches)."""
    return build_searches(q, **kw)[0]


def sampled(body: dict[str, Any], probability: float | None) -> dict[str, Any]:
    """A size-0 facet body counted on a random sample of the matches (counts scaled back by
    Elasticsearch), or exactly when `probability` is None."""
    if probability is None:
        return body
    sampler = {"random_sampler": {"probability": probability, "seed": 1},
               "aggs": body["aggs"]}
    return {**body, "aggs": {SAMPLER: sampler}}


def unsampled_aggs(res: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """(aggregations, sampled doc count or None) of a facet response."""
    aggs = res.get("aggregations", {})
    if SAMPLER in aggs:
        inner = dict(aggs[SAMPLER])
        return inner, inner.pop("doc_count", None)
    return aggs, None


def sample_probability(es: Elasticsearch, index: str) -> float | None:
    """Probability that samples about SAMPLE_DOCS documents of the whole index; None (count
    exactly) when that is more than half of it. The index size is cached for a minute."""
    now = time.monotonic()
    hit = _DOC_COUNTS.get(index)
    if hit is None or now - hit[0] > 60:
        hit = (now, int(_call(es.count, index=index)["count"]))
        _DOC_COUNTS[index] = hit
    p = SAMPLE_DOCS / max(hit[1], 1)
    return None if p > 0.5 else round(p, 6)


# the parts of a response search() reads: less JSON to send and to decode
FILTER_PATH = ",".join(f"responses.{k}" for k in (
    "took", "status", "error", "terminated_early", "hits.total", "aggregations",
    "hits.hits._id", "hits.hits._score", "hits.hits._source", "hits.hits.sort", "pit_id"))


def bounded(body: dict[str, Any]) -> dict[str, Any]:
    """A size-0 facet body that stops counting past TOTAL_LIMIT matches: exact when the response
    is not `terminated_early`, else to be re-sent on a sample. Lets the facets go in the same
    _msearch as the hits, before the total is known."""
    return {**body, "terminate_after": TOTAL_LIMIT + 1}


def run_searches(es: Elasticsearch, index: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All bodies in one _msearch (size-0 facet bodies are request-cacheable)."""
    lines: list[dict[str, Any]] = []
    for b in bodies:
        if "pit" in b:  # a point in time names its indices itself
            head: dict[str, Any] = {}
        else:
            head = {"index": index, "request_cache": True} if b.get("size") == 0 else {"index": index}
        lines += [head, b]
    try:
        res = _call(es.msearch, searches=lines, filter_path=FILTER_PATH)
    except ApiError as exc:
        if exc.meta.status != 400:
            raise
        if any("pit" in b for b in bodies):
            raise PitGone(str(exc)) from exc  # an id that does not parse: as good as expired
        # what we build always parses: the user's part is the cursor's search_after values
        raise SearchError(f"搜索请求无效 / bad search request: {exc.message}") from None
    out: list[dict[str, Any]] = []
    for r in res["responses"]:
        if "error" in r:
            err = r["error"]
            if "pit" in bodies[len(out)] and r.get("status") in (400, 404):  # expired or mangled:
                raise PitGone(str(err.get("reason")))  # retried on the live index
            if r.get("status") == 400:  # search_after values of a tampered cursor, say
                raise SearchError(f"搜索请求无效 / bad search request: {err.get('reason')}")
            raise ServiceUnavailable(f"搜索服务出错 / search failed: {err.get('type')}: {err.get('reason')}")
        out.append(r)
    return out


# --- running it ------------------------------------------------------------------------------

def _call(fn: Callable[..., Any], **kw: Any) -> Any:
    try:
        return fn(**kw)
    except EsConnectionError as exc:
        raise ServiceUnavailable(f"搜索服务暂不可用 / search unavailable: {exc}") from exc
    except ApiError as exc:
        if exc.meta.status in (429, 502, 503, 504):
            raise ServiceUnavailable(f"搜索服务繁忙 / search busy ({exc.meta.status})") from exc
        raise


def search(es: Elasticsearch, prefix: str, q: str | None = None, *, page: int = 1, size: int = 20,
           sort: str = "relevance", filters: dict[str, Any] | None = None, facets: bool = True,
           cursor: str | None = None, window: int = MAX_WINDOW) -> SearchResult:
    """Run a journalist's query. `filters` are facet selections {facet: [values]} (OR within a
    facet, AND across); counts of each facet ignore its own selection so choices stay visible.
    Raises QuerySyntaxError / SearchError (UsageError) for bad input.

    `next_cursor` is given where page numbers stop: on cursor pages and on the page whose next
    one lies beyond `window` results (0: on every full page). Pages reached by number are
    sorted without the tie-breakers a cursor needs, which is much faster for relevance.

    Totals and facet counts are exact up to TOTAL_LIMIT matches. Above it (a common word over
    the whole country) the total and the facet counts are estimated from a random sample of
    about SAMPLE_DOCS documents (`total_exact` / `facets_sampled` say so): counting every one
    of 200,000 matches in six facets cost more than the rest of the search together."""
    query = parse_query(q)
    sel = _clean_filters(filters)
    resumable = cursor is not None or (page + 1) * size > window
    bodies = build_searches(query, page=page, size=size, sort=sort, filters=sel, facets=facets,
                            cursor=cursor, resumable=resumable)
    index = alias(prefix)
    try:
        res, facet_res, p, took = _run(es, index, bodies)
    except PitGone:  # the reader rested too long: go on in the live index
        bodies = [{k: v for k, v in b.items() if k != "pit"} for b in bodies]
        res, facet_res, p, took = _run(es, index, bodies)
    total = res["hits"]["total"]["value"]
    exact = res["hits"]["total"]["relation"] == "eq"
    aggs: dict[str, Any] = {}
    for i, r in enumerate(facet_res):
        part, n_sampled = unsampled_aggs(r)
        aggs.update(part)
        if i == 0 and n_sampled is not None and p:
            total = max(total, round(n_sampled / p))
    raw = res["hits"].get("hits", [])  # filter_path drops an empty list
    terms = query.text_terms()
    rx = hl.pattern(terms)
    hits = [_hit(h, terms, rx) for h in raw]
    nxt = None
    if resumable and len(raw) == size:  # the next page reads one snapshot: a point in time
        nxt = _cursor_encode(raw[-1]["sort"], res.get("pit_id") or _open_pit(es, index))
    return SearchResult(
        total=total, took_ms=took, page=page, size=size, sort=sort, query=q or "", hits=hits,
        facets=_facets(aggs, sel), next_cursor=nxt, total_exact=exact, facets_sampled=p is not None)


def _run(es: Elasticsearch, index: str, bodies: list[dict[str, Any]]
         ) -> tuple[dict[str, Any], list[dict[str, Any]], float | None, int]:
    """(hits response, one response per facet body, sampling probability if any facet answer
    is sampled, took). One round trip: hits and facets are independent. Each facet body goes
    twice — counted exactly but stopping past TOTAL_LIMIT matches, and on a random sample — ES
    runs them in parallel and the exact one is used unless it stopped. (Sending the sample only
    after the exact count had stopped added its whole time to every broad query.)"""
    facet_bodies = bodies[1:]
    n = len(facet_bodies)
    p = sample_probability(es, index) if n else None
    send = [bodies[0], *map(bounded, facet_bodies)]
    if p is not None:
        send += [sampled(b, p) for b in facet_bodies]
    first = run_searches(es, index, send)
    took = max(r["took"] for r in first)  # ES runs the bodies of an _msearch in parallel
    chosen = first[1:n + 1]
    stopped = [i for i, r in enumerate(chosen) if r.get("terminated_early")]
    if not stopped:
        return first[0], chosen, None, took
    if p is not None:
        return first[0], [first[n + 1 + i] if i in stopped else r for i, r in enumerate(chosen)], p, took
    # an index too small to sample (under 2 x SAMPLE_DOCS): count those again without a bound;
    # the first facet body has every filter, so its total is the search's, exactly
    again = run_searches(es, index, [{**facet_bodies[i], "track_total_hits": i == 0} for i in stopped])
    for i, r in zip(stopped, again, strict=True):
        chosen[i] = r
    hits = first[0]
    if stopped[0] == 0:
        hits = {**hits, "hits": {**hits["hits"], "total": again[0]["hits"]["total"]}}
    return hits, chosen, None, took + max(r["took"] for r in again)


def _hit(h: dict[str, Any], terms: list[str], rx: re.Pattern[str] | None) -> dict[str, Any]:
    s = h["_source"]
    out = {k: s.get(k) for k in HIT_FIELDS if k != "finding_codes"}
    out["findings"] = s.get("finding_codes") or []
    out["highlight"] = hl.fragments(s.get("text_norm") or "", terms, rx)
    out["score"] = h.get("_score")
    return out


def _facets(aggs: dict[str, Any], selected: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name in FACETS:
        sel = {str(v) for v in selected.get(name, [])}
        buckets = aggs.get(name, {}).get("buckets", [])
        out[name] = [{"value": b["key"], "count": b["doc_count"], "selected": str(b["key"]) in sel}
                     for b in buckets]
    return out


def iterate(es: Elasticsearch, prefix: str, q: str | None = None, *, sort: str = "date",
            filters: dict[str, Any] | None = None, batch: int = 500, keep_alive: str = "2m",
            source: list[str] | bool | None = None) -> Generator[dict[str, Any], None, None]:
    """Every matching document, in a consistent snapshot: point in time + search_after.
    Yields `_source` dicts (HIT_FIELDS unless `source` says otherwise)."""
    query = parse_query(q)
    flt = _clean_filters(filters)
    qbody = query.to_es()
    if flt:
        qbody = {"bool": {"must": [qbody], "filter": [_facet_filter(k, v) for k, v in flt.items()]}}
    pit = _call(es.open_point_in_time, index=alias(prefix), keep_alive=keep_alive)["id"]
    after = None
    try:
        while True:
            kw: dict[str, Any] = {"query": qbody, "size": batch, "sort": SORTS[sort],
                                  "pit": {"id": pit, "keep_alive": keep_alive},
                                  "_source": HIT_FIELDS if source is None else source}
            if after:
                kw["search_after"] = after
            res = _call(es.search, body=kw)
            pit = res.get("pit_id", pit)
            hits = res["hits"]["hits"]
            if not hits:
                return
            for h in hits:
                yield h["_source"]
            after = hits[-1]["sort"]
    finally:
        try:
            es.close_point_in_time(id=pit)
        except (ApiError, EsConnectionError):
            pass


def stats(es: Elasticsearch, prefix: str, metric: str = "applications.new.total", by: str = "county",
          *, year: int | None = None, q: str | None = None, split: str | None = None,
          size: int = 100) -> dict[str, Any]:
    """Aggregate a contract figure by a region/time field (and optionally split again, e.g.
    by='county', split='year'): count, sum, avg and max per bucket, for charts."""
    path = m.FIGURE_ALIASES.get(metric, metric)
    if path not in m.FIGURE_PATHS:
        raise SearchError(f"未知的数字字段 {metric} / unknown figure path")
    for name in filter(None, (by, split)):
        if name not in STATS_BY:
            raise SearchError(f"不能按 {name} 分组 / cannot group by '{name}' (use {', '.join(sorted(STATS_BY))})")
    query = parse_query(q).to_es()
    if year is not None:
        query = {"bool": {"must": [query], "filter": [{"term": {"year": year_value(year)}}]}}
    metrics: dict[str, Any] = {"sum": {"sum": {"field": path}}, "avg": {"avg": {"field": path}},
                               "max": {"max": {"field": path}}}
    inner: dict[str, Any] = dict(metrics)
    if split:
        inner["split"] = {"terms": {"field": split, "size": size}, "aggs": metrics}
    aggs = {"by": {"terms": {"field": by, "size": size}, "aggs": inner}}
    res = _call(es.search, index=alias(prefix), query=query, size=0, aggs=aggs)
    return {"metric": path, "by": by, "split": split, "year": year,
            "buckets": [_stat_bucket(b) for b in res["aggregations"]["by"]["buckets"]]}


def _stat_bucket(b: dict[str, Any]) -> dict[str, Any]:
    out = {"key": b["key"], "count": b["doc_count"], "sum": b["sum"]["value"],
           "avg": b["avg"]["value"], "max": b["max"]["value"]}
    if "split" in b:
        out["split"] = [_stat_bucket(s) for s in b["split"]["buckets"]]
    return out


def get_report(es: Elasticsearch, prefix: str, report_id: str) -> dict[str, Any] | None:
    """The stored document (contract JSON + ES metadata), without the search-only fields."""
    try:
        res = _call(es.get, index=alias(prefix), id=report_id,
                    source_excludes=["text_tail", "text_seg", "title_seg", "norm"])
    except NotFoundError:
        return None
    return res["_source"]


def versions(es: Elasticsearch, prefix: str, report_id: str, size: int = 100) -> list[dict[str, Any]]:
    """Past versions of a report (newest first), without their text."""
    try:
        res = _call(es.search, index=m.alias_name(prefix, "versions"), size=size,
                    query={"term": {"report_id": report_id}},
                    sort=[{"fetched_at": {"order": "desc", "missing": "_last"}}],
                    source_excludes=["text", "text_norm", "text_tail", "text_seg", "title_seg", "norm", "sections"])
    except NotFoundError:
        return []
    return [h["_source"] for h in res["hits"]["hits"]]


def new_matches(es: Elasticsearch, prefix: str, q: str, ids: list[str]) -> list[str]:
    """Which of `ids` (e.g. documents just indexed) match a saved query — for alerts."""
    compiled = parse_query(q).to_es()
    ids = list(ids)
    out: list[str] = []
    for i in range(0, len(ids), 1000):  # stay under the result window
        chunk = ids[i:i + 1000]
        query = {"bool": {"must": [compiled], "filter": [{"ids": {"values": chunk}}]}}
        res = _call(es.search, index=alias(prefix), query=query, size=len(chunk), _source=False,
                    track_total_hits=False)
        out += [h["_id"] for h in res["hits"]["hits"]]
    return out


__all__ = ["SearchResult", "SearchError", "search", "iterate", "stats", "get_report",
           "versions", "new_matches", "build_body", "build_searches", "run_searches", "normalize"]
