"""Findings across reports: DUPLICATE_TEXT (MinHash LSH over the prose), FIGURE_JUMP (sharp
year-on-year changes) and YEAR_CONTINUITY (last year's 结转下年度 / 现行有效 chains).

Pure functions over `DocFacts`; `findings_for(es, prefix, ids)` gathers the comparison set from
Elasticsearch: other bodies of the same county and year, and the same body's previous year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from elasticsearch import Elasticsearch

from nianbao.contract import T3_COLUMNS, get_path

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE = 5
DUP_THRESHOLD = 0.8
JUMP_RATIO = 10.0
JUMP_MIN = 50  # below this both ways, a change is noise (0 -> 3 applications)
JUMP_PATHS = {
    "narrative.proactive_items.value": "主动公开信息数",
    "applications.new.total": "本年新收申请数",
    "applications.results_total.total": "办理结果总计",
    "appeals.review.total": "行政复议总数",
    "active.licensing": "行政许可决定数",
    "active.penalty": "行政处罚决定数",
}
_NOISE = re.compile(r"[\s\d０-９\W_]+", re.UNICODE)


@dataclass
class DocFacts:
    id: str
    publisher_id: str | None
    year: int
    organ: str
    text: str
    report: dict[str, Any] = field(default_factory=dict)


def prose(text: str) -> str:
    """The words only: figures and punctuation differ between copies of one template."""
    return _NOISE.sub("", text or "")


def minhash(text: str) -> MinHash:
    from datasketch import MinHash  # loads scipy (≈0.5 s): only when reports are compared

    mh = MinHash(num_perm=NUM_PERM)
    p = prose(text)
    mh.update_batch([p[i:i + SHINGLE].encode() for i in range(max(1, len(p) - SHINGLE + 1))])
    return mh


def _comparable(a: DocFacts, b: DocFacts) -> bool:
    if a.id == b.id:
        return False
    same_body = bool(a.publisher_id) and a.publisher_id == b.publisher_id
    return (b.year == a.year and not same_body) or (same_body and b.year == a.year - 1)


def duplicate_findings(targets: list[DocFacts], pool: list[DocFacts],
                       threshold: float = DUP_THRESHOLD) -> dict[str, list[dict]]:
    """DUPLICATE_TEXT for each target whose prose nearly equals a comparable doc in the pool."""
    hashes = {d.id: minhash(d.text) for d in {**{d.id: d for d in pool}, **{d.id: d for d in targets}}.values()
              if len(prose(d.text)) >= 50}
    from datasketch import MinHashLSH  # scipy (≈0.5 s), see minhash

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    docs = {d.id: d for d in pool + targets}
    for did, mh in hashes.items():
        lsh.insert(did, mh)
    out: dict[str, list[dict]] = {}
    for t in targets:
        if t.id not in hashes:
            continue
        for other_id in lsh.query(hashes[t.id]):
            other = docs[other_id]
            if not _comparable(t, other):
                continue
            sim = round(hashes[t.id].jaccard(hashes[other_id]), 2)
            if sim < threshold:
                continue
            who = "本单位上一年度报告" if other.publisher_id == t.publisher_id else f"{other.organ} {other.year} 年报告"
            out.setdefault(t.id, []).append({
                "code": "DUPLICATE_TEXT", "severity": "warning", "similarity": sim, "similar_to": other.id,
                "message": f"正文与{who}高度相似（相似度 {sim:.0%}）"})
    return out


def _num(v: Any) -> int | float | None:
    if isinstance(v, dict):  # narrative figures {"value": …} and totals of table-2 blocks
        v = v.get("value", v.get("total"))
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def jump_findings(this: dict, last: dict) -> list[dict]:
    """FIGURE_JUMP: a figure that changed tenfold (or more) since last year."""
    out = []
    for path, label in JUMP_PATHS.items():
        a, b = _num(get_path(last, path)), _num(get_path(this, path))
        if a is None or b is None or max(a, b) < JUMP_MIN:
            continue
        ratio = (max(a, b) / min(a, b)) if min(a, b) > 0 else float("inf")
        if ratio >= JUMP_RATIO:
            verb = "增至" if b > a else "降至"
            times = "从零起" if ratio == float("inf") else f"{ratio:.1f} 倍"
            out.append({"code": "FIGURE_JUMP", "severity": "info", "cells": [path],
                        "message": f"{label}由上年 {a} {verb} {b}（{times}）"})
    return out


def continuity_findings(this: dict, last: dict) -> list[dict]:
    """YEAR_CONTINUITY: 上年结转 = last year's 结转下年度; 现行有效 = last + 制发 − 废止."""
    out = []
    for col in T3_COLUMNS:
        prev = get_path(last, f"applications.carried_forward.{col}")
        now = get_path(this, f"applications.carried_over.{col}")
        if isinstance(prev, int) and isinstance(now, int) and prev != now:
            out.append({"code": "YEAR_CONTINUITY", "severity": "error",
                        "cells": [f"applications.carried_over.{col}"],
                        "message": f"上年结转（{col}）为 {now}，但上年报告结转下年度为 {prev}"})
    for row, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        prev = get_path(last, f"active.{row}.in_force")
        issued, repealed, now = (get_path(this, f"active.{row}.{k}") for k in ("issued", "repealed", "in_force"))
        if all(isinstance(v, int) for v in (prev, issued, repealed, now)) and prev + issued - repealed != now:
            out.append({"code": "YEAR_CONTINUITY", "severity": "error",
                        "cells": [f"active.{row}.in_force", f"active.{row}.issued", f"active.{row}.repealed"],
                        "message": f"{label}现行有效 {now} ≠ 上年 {prev} + 制发 {issued} − 废止 {repealed}"})
    return out


def all_findings(targets: list[DocFacts], pool: list[DocFacts]) -> dict[str, list[dict]]:
    out = duplicate_findings(targets, pool)
    previous: dict[tuple[str | None, int], DocFacts] = {
        (d.publisher_id, d.year): d for d in pool if d.publisher_id}
    for t in targets:
        last = previous.get((t.publisher_id, t.year - 1))
        if last is not None:
            extra = jump_findings(t.report, last.report) + continuity_findings(t.report, last.report)
            if extra:
                out.setdefault(t.id, []).extend(extra)
    return out


# ---- Elasticsearch side --------------------------------------------------------------------

SOURCE = ["id", "publisher_id", "year", "organ", "county", "text", "narrative", "applications", "appeals", "active"]


def _facts(hit: dict) -> DocFacts:
    s = hit["_source"]
    return DocFacts(hit["_id"], s.get("publisher_id"), int(s.get("year") or 0), s.get("organ") or "",
                    s.get("text") or "", s)


def findings_for(es: Elasticsearch, prefix: str, ids: list[str], pool_limit: int = 200) -> dict[str, list[dict]]:
    """Cross-report findings for the documents `ids` (e.g. just indexed)."""
    if not ids:
        return {}
    index = f"{prefix}-reports"
    res = es.mget(index=index, ids=ids, source_includes=SOURCE)
    targets = [_facts(d) for d in res["docs"] if d.get("found")]
    pids = sorted({t.publisher_id for t in targets if t.publisher_id})
    pairs = sorted({(t.report.get("county"), t.year) for t in targets if t.report.get("county")})
    should: list[dict] = [{"terms": {"publisher_id": pids}}] if pids else []
    should += [{"bool": {"filter": [{"term": {"county": c}}, {"term": {"year": y}}]}} for c, y in pairs]
    if not should:
        return {}
    years = sorted({y for t in targets for y in (t.year, t.year - 1)})
    query = {"bool": {"should": should, "minimum_should_match": 1, "filter": [{"terms": {"year": years}}]}}
    # One request for the whole batch: other bodies of the same counties, the same bodies' last year.
    hits = es.search(index=index, query=query, size=min(10_000, pool_limit * max(1, len(pairs))),
                     source_includes=SOURCE)["hits"]["hits"]
    pool = {h["_id"]: _facts(h) for h in hits}
    return all_findings(targets, list(pool.values()))
