"""Index names, explicit mappings and the contract's figure paths.

Bump `MAPPING_VERSION` whenever `report_mapping()` changes: `nianbao index --rebuild` then builds
`{prefix}-reports-v{N}-…` from the archive and swaps the alias.

Chinese search uses core analysis only (no plugins):
- `nb_chars`: the standard tokenizer with max_token_length=1, so every CJK character, digit and
  Latin letter is its own token at its own position; used for the short fields (`norm.*.chars`:
  title, organ, place…), where `match_phrase` finds any substring exactly (spaces and
  punctuation are skipped on both sides).
- `text_norm` (the normalised text) is indexed as overlapping bigrams of those characters
  (`nb_bigrams`: `nb_char` + core `shingle` 2/2 without unigrams; positions, no norms). A
  phrase of n ≥ 2 characters is searched as `match_phrase`, which the same analyzer turns into
  a phrase of its n-1 bigrams (exact substring recall, posting lists far shorter than those of
  single characters); one character as a prefix of the bigrams, or the text's last token
  character (`text_tail`, the one character that starts no bigram). Highlight fragments are
  cut from its `_source` in Python (indexer.highlight). Until mapping v4 the bigrams were
  built in Python and sent as a second field (`text_bi`, left out of `_source`): 30 % of every
  bulk body and a `_source` filter pass per document; until v3 the text was also indexed
  character by character (0.9 GB of a 3.5 GB 200k index).
- `*_seg` fields: jieba words (segmented in Python) under a whitespace analyzer, for word-level
  ranking (BM25 over words, not characters).
All text reaches Elasticsearch already normalised (indexer.segment.normalize).
"""

from __future__ import annotations

from typing import Any

from nianbao.contract import (
    NARRATIVE,
    T2_DOC_COLS,
    T2_SINGLE,
    T2_TRIPLES,
    T3_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
)

MAPPING_VERSION = 4

T2_DOC_ROWS = T2_TRIPLES


def figure_paths() -> list[str]:
    """Every numeric fact path of the contract (tables 2–4 and the narrative figures)."""
    paths = [f"active.{r}.{c}" for r in T2_DOC_ROWS for c in T2_DOC_COLS]
    paths += [f"active.{k}" for k in T2_SINGLE]
    paths += [f"applications.{r}.{c}" for r in T3_ROWS for c in T3_COLUMNS]
    paths += [f"appeals.{g}.{o}" for g in T4_GROUPS for o in T4_OUTCOMES]
    paths += [f"narrative.{k}.value" for k in NARRATIVE]
    return paths


FIGURE_PATHS = frozenset(figure_paths())
# Short forms people type: narrative.proactive_items means its .value.
FIGURE_ALIASES = {f"narrative.{k}": f"narrative.{k}.value" for k in NARRATIVE}

# Refresh every 5 s, not ES's 1 s: the pipeline trickles batches in all season long and every
# refresh writes a small segment in both indices, later merged. Measured with 1,400 reports in
# batches of 50 spread over 25 s (bench/README.md § Indexing): ES 2.6–4.2 ms CPU a report at
# 1 s, 1.4–1.5 at 5 s or 10 s. The pipeline refreshes once at the end of every drain, so what
# it has indexed is searchable when it returns; in between, a new report waits ≤ 5 s.
DEFAULT_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0,
                                    "refresh_interval": "5s"}

ANALYSIS = {
    "tokenizer": {"nb_char": {"type": "standard", "max_token_length": 1}},
    # shingle is a core filter (the integ-test distribution has it, unlike analysis-common's)
    "filter": {"nb_pairs": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                            "output_unigrams": False, "token_separator": ""}},
    "analyzer": {
        "nb_chars": {"type": "custom", "tokenizer": "nb_char", "filter": ["lowercase"]},
        "nb_bigrams": {"type": "custom", "tokenizer": "nb_char", "filter": ["lowercase", "nb_pairs"]},
    },
}

_KW = {"type": "keyword", "ignore_above": 256}
# Facet fields: global ordinals are built at refresh time, not by the first search after it.
_FACET = {"type": "keyword", "ignore_above": 256, "eager_global_ordinals": True}
_SOURCE_ONLY_TEXT = {"type": "text", "index": False}
_BIGRAMS = {"type": "text", "analyzer": "nb_bigrams", "index_options": "positions", "norms": False}
# The whitespace tokenizer lives in analysis-common, but the prebuilt whitespace analyzer is
# core; text is lower-cased by normalize() before it gets here.
_WORDS = {"type": "text", "analyzer": "whitespace"}
_KW_TEXT = {"type": "keyword", "ignore_above": 512, "fields": {"chars": {"type": "text", "analyzer": "nb_chars"}}}
_DATE = {"type": "date"}
_INT = {"type": "integer"}
_OFF = {"type": "object", "enabled": False}  # kept in _source, not indexed


def _table2() -> dict:
    props: dict[str, Any] = {r: {"properties": {c: _INT for c in T2_DOC_COLS}} for r in T2_DOC_ROWS}
    props.update({k: _INT for k in T2_SINGLE})
    props["fees"] = {"type": "double"}
    return {"properties": props}


def _table(rows: tuple[str, ...], cols: tuple[str, ...]) -> dict:
    return {"properties": {r: {"properties": {c: _INT for c in cols}} for r in rows}}


def report_properties() -> dict[str, Any]:
    return {
        "id": {"type": "keyword"},
        "publisher_id": {"type": "keyword"},
        "url": {"type": "keyword", "ignore_above": 2048},
        "archive_sha256": {"type": "keyword"},
        "status": {"type": "keyword"},
        "format": {"type": "keyword"},
        "template": {"type": "keyword"},
        "script": {"type": "keyword"},
        "title": {"type": "keyword", "ignore_above": 512},
        "organ": _KW, "place": _KW, "county": _FACET, "city": _FACET, "province": _FACET,
        "division_code": {"type": "keyword"},
        "level": {"type": "keyword"},
        "year": _INT,
        "published": _DATE, "fetched_at": _DATE, "first_seen": _DATE, "deadline": _DATE,
        "indexed_at": _DATE,
        "days_late": _INT,
        "timeliness": _FACET,
        "finding_codes": _FACET,
        "findings": {"properties": {"code": {"type": "keyword"}, "severity": {"type": "keyword"},
                                    "message": {"type": "text", "index": False},
                                    "cells": {"type": "keyword"}}},
        "sections": {"properties": {"number": _INT, "heading": {"type": "keyword", "ignore_above": 256},
                                    "text": {"type": "text", "index": False}}},
        "narrative": {"properties": {k: {"properties": {"value": _INT, "approx": {"type": "boolean"}}}
                                     for k in NARRATIVE}},
        "active": _table2(),
        "applications": _table(T3_ROWS, T3_COLUMNS),
        "appeals": _table(T4_GROUPS, T4_OUTCOMES),
        "text": {"type": "text", "index": False},
        # Normalised search fields (built by indexer.store.build_doc).
        "text_norm": _BIGRAMS,
        "text_tail": {"type": "keyword"},
        "text_seg": _WORDS,
        "norm": {"properties": {k: _KW_TEXT for k in
                                ("title", "organ", "place", "county", "city", "province")}},
        "title_seg": _WORDS,
        "meta_dates": _OFF,
    }


def report_mapping() -> dict[str, Any]:
    # dynamic false: fields the parser adds later are kept in _source without surprises.
    return {"dynamic": False, "properties": report_properties()}


def versions_mapping() -> dict[str, Any]:
    # History is listed, never phrase-searched: the text is not indexed.
    props = report_properties()
    props["text_norm"] = _SOURCE_ONLY_TEXT
    props.pop("text_tail")
    props["report_id"] = {"type": "keyword"}
    props["version_id"] = {"type": "keyword"}
    return {"dynamic": False, "properties": props}


def index_body(kind: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = {**DEFAULT_SETTINGS, **(overrides or {}), "analysis": ANALYSIS}
    mappings = report_mapping() if kind == "reports" else versions_mapping()
    meta = {"nianbao_mapping_version": MAPPING_VERSION, "kind": kind}
    return {"settings": {"index": settings}, "mappings": {**mappings, "_meta": meta}}


def alias_name(prefix: str, kind: str = "reports") -> str:
    return f"{prefix}-{kind}"


def index_name(prefix: str, kind: str = "reports", stamp: str | None = None) -> str:
    base = f"{prefix}-{kind}-v{MAPPING_VERSION}"
    return f"{base}-{stamp}" if stamp else base
