"""Index set-up, idempotent writes, versions, and the zero-downtime rebuild."""

from __future__ import annotations

import threading
import time

from bench.gen_corpus import corpus
from indexer import mappings, search, store


def _count(es, prefix: str) -> int:  # type: ignore[no-untyped-def]
    es.indices.refresh(index=mappings.alias_name(prefix))
    return es.count(index=mappings.alias_name(prefix))["count"]


def test_ensure_indices_is_idempotent(es, es_prefix: str) -> None:
    prefix = f"{es_prefix}-ens"
    first = store.ensure_indices(es, prefix)
    assert store.ensure_indices(es, prefix) == first
    assert first["reports"] == f"{prefix}-reports-v{mappings.MAPPING_VERSION}"
    assert store.mapping_version(es, prefix) == mappings.MAPPING_VERSION
    assert not store.needs_rebuild(es, prefix)
    settings = es.indices.get_settings(index=first["reports"])[first["reports"]]["settings"]["index"]
    assert settings["number_of_shards"] == "1" and settings["number_of_replicas"] == "0"


def test_reindexing_twice_never_duplicates(es, es_prefix: str) -> None:
    prefix = f"{es_prefix}-twice"
    store.ensure_indices(es, prefix)
    docs = [store.build_doc(r, m) for r, m in corpus(60)]
    store.index_reports(es, prefix, docs, refresh=True)
    store.index_reports(es, prefix, [store.build_doc(r, m) for r, m in corpus(60)], refresh=True)
    assert _count(es, prefix) == 60
    store.index_versions(es, prefix, docs, refresh=True)
    store.index_versions(es, prefix, docs, refresh=True)
    changed = dict(docs[0], archive_sha256="f" * 64)
    store.index_versions(es, prefix, [changed], refresh=True)
    assert [v["archive_sha256"] for v in search.versions(es, prefix, docs[0]["id"])].count("f" * 64) == 1
    assert len(search.versions(es, prefix, docs[0]["id"])) == 2
    assert store.mark_removed(es, prefix, docs[1]["id"])
    assert search.get_report(es, prefix, docs[1]["id"])["status"] == "removed"
    assert store.delete(es, prefix, [docs[2]["id"]], refresh=True) == 1
    assert _count(es, prefix) == 59


def test_rebuild_swaps_alias_while_searches_run(es, es_prefix: str) -> None:
    prefix = f"{es_prefix}-swap"
    store.ensure_indices(es, prefix)
    store.index_reports(es, prefix, [store.build_doc(r, m) for r, m in corpus(150)], refresh=True)
    old = store.alias_target(es, mappings.alias_name(prefix))
    failures: list[str] = []
    totals: list[int] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                totals.append(search.search(es, prefix, '"政府信息" year>=2020', size=5).total)
            except Exception as exc:  # noqa: BLE001 — any failure is what we look for
                failures.append(repr(exc))
            time.sleep(0.02)

    t = threading.Thread(target=searcher)
    t.start()
    try:
        time.sleep(0.3)
        late = store.build_doc(*next(iter(corpus(1, start=500))))
        time.sleep(0.05)  # built before the rebuild starts, written while it runs (the pipeline)

        def docs():  # type: ignore[no-untyped-def]
            yield from (store.build_doc(r, m) for r, m in corpus(150))
            # a write through the alias while the rebuild runs must survive the swap
            store.index_reports(es, prefix, [late], refresh=True)

        out = store.rebuild(es, prefix, docs(), grace_seconds=2.0)  # the default grace
        time.sleep(0.3)
    finally:
        stop.set()
        t.join()
    assert failures == []
    assert len(totals) > 3 and set(totals) <= {150, 151}
    new = store.alias_target(es, mappings.alias_name(prefix))
    assert new == out["index"] != old and out["caught_up"] >= 1
    assert not es.indices.exists(index=old)
    assert _count(es, prefix) == 151
    assert search.get_report(es, prefix, late["id"]) is not None


def test_rebuild_keeps_findings_written_by_the_monitor(es, es_prefix: str) -> None:
    """Findings set_extra_findings merged in (cross-report, dates, lateness) are not in the
    archive; a rebuild from it must carry them over, and a finding withdrawn later stays gone."""
    prefix = f"{es_prefix}-extra"
    store.ensure_indices(es, prefix)
    fresh = [store.build_doc(r, m) for r, m in corpus(12)]
    store.index_reports(es, prefix, fresh, refresh=True)
    a, b = fresh[0]["id"], fresh[1]["id"]
    dup = {"code": "DUPLICATE_TEXT", "severity": "warning", "message": "与另一份报告雷同"}
    jump = {"code": "FIGURE_JUMP", "severity": "info", "message": "申请数骤增"}
    store.set_extra_findings(es, prefix, {a: {"findings": [dup], "fields": {"days_late": 9, "timeliness": "late"}},
                                          b: {"findings": [dup, jump]}})
    store.set_extra_findings(es, prefix, {b: {"findings": [], "codes": ["DUPLICATE_TEXT"]}})  # withdrawn
    parser_codes = {d["id"]: set(d["finding_codes"]) for d in fresh}

    out = store.rebuild(es, prefix, ([store.build_doc(r, m) for r, m in corpus(12)]), grace_seconds=0)
    assert out["indexed"] == 12 and not out["errors"]
    got_a, got_b = search.get_report(es, prefix, a), search.get_report(es, prefix, b)
    assert set(got_a["finding_codes"]) == parser_codes[a] | {"DUPLICATE_TEXT"}
    assert (got_a["days_late"], got_a["timeliness"]) == (9, "late")
    assert set(got_b["finding_codes"]) == parser_codes[b] | {"FIGURE_JUMP"}
    assert search.search(es, prefix, "finding:DUPLICATE_TEXT", facets=False).total == \
        1 + sum("DUPLICATE_TEXT" in c for i, c in parser_codes.items() if i not in (a, b))
    untouched = fresh[2]["id"]
    assert set(search.get_report(es, prefix, untouched)["finding_codes"]) == parser_codes[untouched]
