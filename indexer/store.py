"""Elasticsearch storage: the ES report document, idempotent index set-up, bulk writes, rebuilds.

Reads always go through the aliases `{prefix}-reports` / `{prefix}-versions`; the concrete
indices carry the mapping version (indexer.mappings). A rebuild fills a fresh index and swaps
the alias atomically, so searches never see a missing or half-built index.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypedDict

import orjson
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch.helpers import scan, streaming_bulk

from nianbao.divisions import place_in_divisions
from nianbao.errors import NianbaoError, ServiceUnavailable

from . import mappings as m
from .segment import last_token, normalize, segment

log = logging.getLogger(__name__)
KINDS = ("reports", "versions")
REGION_FIELDS = ("organ", "place", "county", "city", "province")


class IndexError_(NianbaoError):
    """Elasticsearch refused a document or a set-up step."""


# --- the document ----------------------------------------------------------------------------

def doc_id(publisher_id: str | None, year: int | None, url: str | None) -> str:
    """Stable id: one current document per publisher and year, else per URL."""
    if publisher_id and year:
        return f"{publisher_id}-{year}"
    if not url:
        raise IndexError_("文档缺少 publisher_id/year 和 url / a document needs publisher+year or url")
    return "u" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def build_doc(report: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ES report document: the contract JSON plus `meta` (publisher_id, url, archive_sha256,
    fetched_at, first_seen, region fields from the registry…)
    and the normalised search fields. Region values from `meta` fill gaps left by the report."""
    meta = dict(meta or {})
    doc = dict(report)
    sources = dict(doc.get("meta_sources") or {})
    _file_region(meta, None)  # a registry row filing a county-level city as a prefecture
    for key in REGION_FIELDS:
        if meta.get(key) and not doc.get(key):
            doc[key] = meta[key]
            sources[key] = "crawl:registry"  # the publisher registry row filled the gap
        meta.pop(key, None)
    _file_region(doc, sources)
    if sources:
        doc["meta_sources"] = sources
    doc.update({k: v for k, v in meta.items() if v is not None or k not in doc})
    doc["id"] = doc.get("id") or doc_id(doc.get("publisher_id"), doc.get("year"), doc.get("url"))
    doc["text"] = doc.get("text") or _sections_text(doc)
    for key in SEARCH_FIELDS:  # the parser's own normalised text is not the indexer's
        doc.pop(key, None)
    complete_search_fields(doc)
    codes = {f.get("code") for f in doc.get("findings") or [] if f.get("code")}
    codes |= set(doc.get("finding_codes") or [])
    doc["finding_codes"] = sorted(codes)
    doc.setdefault("status", "live")
    return doc


def _file_region(doc: dict[str, Any], sources: dict[str, str] | None) -> None:
    """County, city and province at the right levels (`nianbao.divisions.place_in_divisions`): a
    county-level city is a county under its prefecture, never a prefecture itself, and a known
    county brings its city and province from the division gazetteer (source "registry"), so
    that the facets add up at every level."""
    if not any(doc.get(k) for k in ("county", "city", "province")):
        return
    before = {k: doc.get(k) or None for k in ("county", "city", "province")}
    after = place_in_divisions(before["county"], before["city"], before["province"])
    if after == before:
        return
    if sources is not None:
        if after["county"] and after["county"] == before["city"] and not before["county"]:
            sources["county"] = sources.pop("city", "registry")  # moved down from the city field
        for key in ("city", "province"):
            if after[key] and after[key] != before[key]:
                sources[key] = "registry"
    doc.update(after)


# Derived from the report for searching (indexer.segment), never shown as its content.
SEARCH_FIELDS = ("text_norm", "text_tail", "text_seg", "norm", "title_seg")


def complete_search_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill the search-only fields a document lacks (one read back from `_source` or through
    get_report, e.g. a review re-index or a rebuild's catch-up), without re-running jieba on
    fields that are present."""
    if doc.get("text_norm") is None:
        doc["text_norm"] = normalize(doc.get("text") or _sections_text(doc))
    if doc.get("text_tail") is None:
        doc["text_tail"] = last_token(doc["text_norm"])
    if doc.get("text_seg") is None:
        doc["text_seg"] = segment(doc["text_norm"])
    if not doc.get("norm"):
        doc["norm"] = {k: normalize(doc.get(k)) or None for k in ("title", *REGION_FIELDS)}
    if doc.get("title_seg") is None:
        doc["title_seg"] = segment(doc["norm"].get("title") or "")
    return doc


def _sections_text(doc: dict[str, Any]) -> str:
    parts = [doc.get("title") or ""]
    for s in doc.get("sections") or []:
        parts += [s.get("heading") or "", s.get("text") or ""]
    return "\n".join(p for p in parts if p)


# --- set-up ----------------------------------------------------------------------------------

def ensure_indices(es: Elasticsearch, prefix: str, overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """Create the versioned indices and their aliases if missing (safe to call any time, from
    several processes). Returns {kind: concrete index}."""
    out = {}
    for kind in KINDS:
        alias = m.alias_name(prefix, kind)
        current = alias_target(es, alias)
        if current:
            out[kind] = current
            continue
        name = m.index_name(prefix, kind)
        body = m.index_body(kind, overrides)
        try:
            es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"],
                              aliases={alias: {}})
        except ApiError as exc:
            if exc.error != "resource_already_exists_exception":
                raise IndexError_(f"无法创建索引 {name} / cannot create index: {exc.message}") from exc
            es.indices.put_alias(index=name, name=alias)
        out[kind] = name
    return out


def alias_target(es: Elasticsearch, alias: str) -> str | None:
    try:
        found = es.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    return sorted(found.body)[-1] if found.body else None


def mapping_version(es: Elasticsearch, prefix: str, kind: str = "reports") -> int | None:
    target = alias_target(es, m.alias_name(prefix, kind))
    if not target:
        return None
    meta = es.indices.get_mapping(index=target)[target]["mappings"].get("_meta", {})
    return meta.get("nianbao_mapping_version")


def needs_rebuild(es: Elasticsearch, prefix: str) -> bool:
    v = mapping_version(es, prefix)
    return v is not None and v != m.MAPPING_VERSION


def drop_all(es: Elasticsearch, prefix: str) -> None:
    """Delete every index of this prefix (tests, benchmarks)."""
    es.indices.delete(index=f"{prefix}-reports*,{prefix}-versions*", ignore_unavailable=True,
                      allow_no_indices=True)


# --- bulk loads ------------------------------------------------------------------------------

# What a bulk load changes: no refresh (no small segments to merge) and no replica to copy to.
# Not the translog's async durability: at mapping v3 (a _source filter) merges kept each
# document's `_recovery_source`; at v4 it looked 8–13 % faster in two of three runs on 50k, one
# run left a 1,077 MB index instead of 636 (bench/README § Indexing): not worth the doubt.
BULK_LOAD_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0}


@contextmanager
def bulk_load(es: Elasticsearch, index: str) -> Iterator[str]:
    """Set `index` up for a bulk load (BULK_LOAD_SETTINGS), then restore what it had and
    refresh, whatever happens inside. Used by `nianbao index --rebuild` and the benchmarks."""
    flat = es.indices.get_settings(index=index, flat_settings=True, include_defaults=True)[index]
    keys = [f"index.{k}" for k in BULK_LOAD_SETTINGS]
    before = {k: (flat["settings"].get(k) or flat["defaults"].get(k)) for k in keys}
    es.indices.put_settings(index=index, settings={f"index.{k}": v for k, v in BULK_LOAD_SETTINGS.items()})
    try:
        yield index
    finally:
        es.indices.put_settings(index=index, settings=before)
        es.indices.refresh(index=index)


# --- writes ----------------------------------------------------------------------------------

def _actions(docs: Iterable[dict[str, Any]], index: str, id_key: str,
             search_fields: bool) -> Iterator[dict[str, Any]]:
    for d in docs:
        if search_fields:
            d = complete_search_fields(dict(d))
        # stamped when written, not when built: a rebuild copies over what reached the old index
        # since it started (_catch_up), and a document built before then may be written after
        d = dict(d, indexed_at=_now())
        yield {"_op_type": "index", "_index": index, "_id": d[id_key], "_source": d}


# Documents per bulk request in loads: ~40 KB of JSON each, so ~10 MB a request (ES's own
# advice is 5–15 MB). ES CPU per report, one run each on 10k: 100 → 0.94 ms, 250 → 0.97,
# 500 → 1.08 (the earlier default: 20 MB requests).
BULK_CHUNK = 250


def bulk(es: Elasticsearch, index: str, docs: Iterable[dict[str, Any]], *, id_key: str = "id",
         chunk_size: int = 200, refresh: bool = False,
         search_fields: bool = True) -> tuple[set[str], dict[str, str]]:
    """Bulk-index with the official streaming helper (429s retried with backoff). Returns
    (ids written, {id: error}) — a connection failure raises ServiceUnavailable instead, so the
    caller keeps its queue items. `search_fields` adds the derived search fields a report
    document lacks (normalised, segmented, `text_tail`)."""
    ok_ids: set[str] = set()
    errors: dict[str, str] = {}
    try:
        for ok, item in streaming_bulk(es, _actions(docs, index, id_key, search_fields),
                                       chunk_size=chunk_size,
                                       max_chunk_bytes=20 * 1024 * 1024, raise_on_error=False,
                                       max_retries=5, initial_backoff=1, max_backoff=30,
                                       refresh=refresh):
            res = next(iter(item.values()))
            if ok:
                ok_ids.add(res["_id"])
            else:
                errors[res.get("_id", "?")] = str(res.get("error"))[:300]
    except (EsConnectionError, ApiError) as exc:
        if isinstance(exc, ApiError) and exc.meta.status not in (429, 502, 503, 504):
            raise IndexError_(f"索引失败 / bulk indexing failed: {exc.message}") from exc
        raise ServiceUnavailable(f"Elasticsearch 不可用 / Elasticsearch unavailable: {exc}") from exc
    return ok_ids, errors


def ndjson_body(index: str, docs: Iterable[dict[str, Any]]) -> bytes:
    """A `_bulk` request body for report documents, derived fields included. Built where the
    documents are (e.g. in a worker process) so that only bytes travel to the process that
    sends them: no second serialisation, no pickling of documents."""
    lines = []
    for a in _actions(docs, index, "id", True):
        lines += [orjson.dumps({"index": {"_index": index, "_id": a["_id"]}}), orjson.dumps(a["_source"])]
    return b"\n".join(lines) + b"\n"


def post_ndjson(es: Elasticsearch, body: bytes) -> tuple[set[str], dict[str, str]]:
    """Send a body made by ndjson_body; (ids written, {id: error}). No retries: for loads
    whose caller can re-send the whole body (the benchmark; a rebuild starts over)."""
    res = es.bulk(operations=body)  # type: ignore[arg-type]  # the ndjson serializer passes bytes through
    ok: set[str] = set()
    errors: dict[str, str] = {}
    for item in res["items"]:
        r = item["index"]
        if r.get("error"):
            errors[r["_id"]] = str(r["error"])[:300]
        else:
            ok.add(r["_id"])
    return ok, errors


def index_reports(es: Elasticsearch, prefix: str, docs: Iterable[dict[str, Any]], *,
                  refresh: bool = False) -> tuple[set[str], dict[str, str]]:
    """Write current-version documents (built by build_doc) through the reports alias."""
    return bulk(es, m.alias_name(prefix, "reports"), docs, refresh=refresh)


def version_doc(doc: dict[str, Any], version_id: str | None = None) -> dict[str, Any]:
    sha = doc.get("archive_sha256") or ""
    v = dict(doc, report_id=doc["id"], version_id=version_id or sha)
    v["id"] = f"{doc['id']}@{(sha or str(version_id))[:16]}"
    return v


def index_versions(es: Elasticsearch, prefix: str, docs: Iterable[dict[str, Any]], *,
                   refresh: bool = False) -> tuple[set[str], dict[str, str]]:
    """Keep every fetched version (the history of a report) in the versions index."""
    return bulk(es, m.alias_name(prefix, "versions"), (version_doc(d) for d in docs), refresh=refresh,
                search_fields=False)


def delete(es: Elasticsearch, prefix: str, ids: Iterable[str], *, refresh: bool = False) -> int:
    actions = ({"_op_type": "delete", "_index": m.alias_name(prefix), "_id": i} for i in ids)
    n = 0
    for ok, _item in streaming_bulk(es, actions, raise_on_error=False, refresh=refresh):
        n += int(ok)
    return n


def mark_removed(es: Elasticsearch, prefix: str, report_id: str) -> bool:
    """The page disappeared: keep the document (it is evidence) but flag it."""
    try:
        doc = es.get(index=m.alias_name(prefix), id=report_id)["_source"]
    except NotFoundError:
        return False
    doc["status"] = "removed"
    _ok, errors = index_reports(es, prefix, [doc])
    if errors:
        raise IndexError_(f"无法标记删除 / cannot mark removed: {next(iter(errors.values()))}")
    return True


class ExtraUpdate(TypedDict, total=False):
    """What the monitor decided about one report, for set_extra_findings: its findings, the
    codes it owns (stored findings with these codes are replaced) and top-level fields
    (deadline, days_late, timeliness). Kept on the document as EXTRA for rebuilds."""
    findings: list[dict[str, Any]]
    codes: Sequence[str]
    fields: dict[str, Any]


def set_extra_findings(es: Elasticsearch, prefix: str, updates: dict[str, ExtraUpdate]) -> set[str]:
    """Merge findings made outside the parser (the monitor's cross-report and compliance ones)
    into stored reports. `updates`: {report id: {"findings": [...], "codes": [...], "fields":
    {...}}}; previous findings whose code is in `codes` or among `findings` are replaced, the
    parser's kept; codes a reviewer dismissed stay out; `fields` sets top-level values
    (days_late, timeliness…). Owned by the monitor (added for issue #7). Whole-document writes
    in one bulk, guarded by seq_no so that a concurrent re-index wins (then merged again). Returns the ids found in the index."""
    alias = m.alias_name(prefix)
    found: set[str] = set()
    todo = dict(updates)
    for _ in range(3):
        if not todo:
            return found
        actions = []
        for got in es.mget(index=alias, ids=list(todo))["docs"]:
            if not got.get("found"):
                continue
            found.add(got["_id"])
            doc = _merge_extra(got["_source"], todo[got["_id"]])
            if doc is not None:
                src = next(_actions([doc], got["_index"], "id", True))["_source"]
                actions.append({"_op_type": "index", "_index": got["_index"], "_id": got["_id"], "_source": src,
                                "if_seq_no": got["_seq_no"], "if_primary_term": got["_primary_term"]})
        retry = set()
        for ok, item in streaming_bulk(es, actions, raise_on_error=False, max_retries=3):
            res = item["index"]
            if not ok and res.get("status") == 409:
                retry.add(res["_id"])
            elif not ok:
                raise IndexError_(f"无法保存问题 / findings not saved: {str(res.get('error'))[:300]}")
        todo = {k: v for k, v in todo.items() if k in retry}
    if todo:
        raise IndexError_(f"报告 {sorted(todo)[0]} 正被反复改写 / report keeps changing, findings not saved")
    return found


EXTRA = "extra_updates"  # in _source only: what set_extra_findings applied, for rebuilds


def _merge_extra(src: dict[str, Any], update: ExtraUpdate) -> dict[str, Any] | None:
    """The document with the extra findings merged in, or None when nothing changes.
    The merged update is kept on the document (EXTRA) so that a rebuild from the archive,
    whose fresh documents have only the parser's findings, can apply it again."""
    findings = update.get("findings") or []
    own = set(update.get("codes") or ()) | {f["code"] for f in findings}
    dismissed = {f.get("code") for f in src.get("dismissed_findings") or []}
    doc = dict(src, **(update.get("fields") or {}))
    kept = src.get(EXTRA) or {}
    doc[EXTRA] = {"findings": _replaced(kept.get("findings"), own, findings),
                  "codes": sorted(set(kept.get("codes") or ()) | own),
                  "fields": {**(kept.get("fields") or {}), **(update.get("fields") or {})}}
    doc["findings"] = _replaced(src.get("findings"), own, [f for f in findings if f["code"] not in dismissed])
    codes = (set(src.get("finding_codes") or []) - own) | {f.get("code") for f in doc["findings"]}
    doc["finding_codes"] = sorted(c for c in codes if c)
    if (orig := src.get("review_original")) is not None:  # keep what apply_reviews re-applies
        doc["review_original"] = dict(orig, findings=_replaced(orig.get("findings"), own, findings))
    if all(doc.get(k) == src.get(k) for k in doc):
        return None
    doc["indexed_at"] = _now()  # a rebuild running now copies it over
    return doc


def _replaced(old: list[dict[str, Any]] | None, codes: set[str], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`old` findings without those of `codes`, then `new`."""
    return [f for f in old or [] if f.get("code") not in codes] + new


# --- rebuild with an alias swap --------------------------------------------------------------

def rebuild(es: Elasticsearch, prefix: str, docs: Iterable[dict[str, Any]], *, kind: str = "reports",
            overrides: dict[str, Any] | None = None, grace_seconds: float = 2.0,
            keep_old: bool = False) -> dict[str, Any]:
    """Build a fresh `{prefix}-{kind}-v{N}-{stamp}` from `docs`, then swap the alias atomically.

    Writes that reached the old index while the rebuild ran (the pipeline keeps running) are
    copied over before and after the swap. Old indices are deleted after `grace_seconds`, so
    searches already running on them finish."""
    alias = m.alias_name(prefix, kind)
    started = _now()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:-3]
    new = m.index_name(prefix, kind, stamp)
    body = m.index_body(kind, overrides)
    es.indices.create(index=new, settings=body["settings"], mappings=body["mappings"])
    sf = kind == "reports"
    if sf and _alias_indices(es, alias):
        docs = with_extra(es, alias, docs)
    with bulk_load(es, new):  # restores the settings of `body` and refreshes
        ok, errors = bulk(es, new, docs, chunk_size=BULK_CHUNK, search_fields=sf)
    old = _alias_indices(es, alias)
    copied = _catch_up(es, old, new, started, sf)
    es.indices.refresh(index=new)
    actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": alias}} for o in old]
    actions.append({"add": {"index": new, "alias": alias}})
    es.indices.update_aliases(actions=actions)
    copied += _catch_up(es, old, new, started, sf)
    if old and not keep_old:
        time.sleep(grace_seconds)
        copied += _catch_up(es, old, new, started, sf)
        es.indices.delete(index=",".join(old), ignore_unavailable=True)
    return {"index": new, "indexed": len(ok), "errors": errors, "caught_up": copied, "old": old}


def with_extra(es: Elasticsearch, alias: str, docs: Iterable[dict[str, Any]],
               chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Fresh documents with the extra findings their predecessors carried (the monitor's:
    cross-report, date and compliance findings and its lateness fields, which a parse cannot
    reproduce). Used by a rebuild and by the pipeline's re-index of an edited report, so the
    monitor's decision stays on the document until the monitor decides again."""
    for batch in _chunks(docs, chunk):
        got = es.mget(index=alias, ids=[d["id"] for d in batch], source_includes=[EXTRA])["docs"]
        extra = {g["_id"]: g["_source"][EXTRA] for g in got if g.get("found") and g["_source"].get(EXTRA)}
        for d in batch:
            yield (_merge_extra(d, extra[d["id"]]) or d) if d["id"] in extra else d


def _chunks(items: Iterable[dict[str, Any]], n: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for it in items:
        batch.append(it)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _alias_indices(es: Elasticsearch, alias: str) -> list[str]:
    try:
        return sorted(es.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def _catch_up(es: Elasticsearch, old: list[str], new: str, since: str, search_fields: bool) -> int:
    """Copy documents written to the old indices since `since` (no reindex module needed)."""
    if not old:
        return 0
    es.indices.refresh(index=",".join(old))
    query = {"query": {"range": {"indexed_at": {"gte": since}}}}
    hits = scan(es, index=",".join(old), query=query, size=500)
    ok, _err = bulk(es, new, (h["_source"] for h in hits), search_fields=search_fields)
    return len(ok)
