"""Reviews applied to a report: corrected cells and dismissed findings, original kept.

The ES document keeps `review_original` (the parser's findings and the original value of every
corrected cell) and `corrections` (who/when/why), and carries the corrected values in the
contract fields, so search, facets, the dashboard and alerts all see the corrected report.
`apply_reviews(doc, reviews)` is pure and idempotent: the indexer can call it again on a freshly
parsed document so that a re-crawl does not lose a correction.
"""

from __future__ import annotations

import copy
from typing import Any

from .tables import get_path


def finding_key(f: dict[str, Any]) -> str:
    return f"{f.get('code')}@{','.join(f.get('cells') or [])}"


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    cur = doc
    for k in keys[:-1]:
        if not isinstance(cur.get(k), dict):
            cur[k] = {}
        cur = cur[k]
    if isinstance(cur.get(keys[-1]), dict) and "value" in cur[keys[-1]]:
        cur[keys[-1]]["value"] = value
    else:
        cur[keys[-1]] = value


def apply_reviews(doc: dict[str, Any], reviews: list[dict[str, Any]]) -> dict[str, Any]:
    """`reviews`: dicts with kind (confirm|dismiss|correct), code, path, new_value, user, at,
    reason — in the order they were made."""
    out = copy.deepcopy(doc)
    original = out.get("review_original") or {
        "findings": copy.deepcopy(out.get("findings") or []),
        "finding_codes": list(out.get("finding_codes") or []),
        "values": {},
    }
    decisions: dict[str, str] = {}
    corrections = []
    for r in reviews:
        if r["kind"] == "correct":
            path = r["path"]
            if path not in original["values"]:
                original["values"][path] = get_path(doc, path)  # never corrected: still the parse
            set_path(out, path, r["new_value"])
            corrections.append({k: r.get(k) for k in ("path", "old_value", "new_value", "user", "at", "reason")})
        else:
            decisions[r["path"] or r["code"]] = r["kind"]
    findings = []
    for f in original["findings"]:
        decision = decisions.get(finding_key(f)) or decisions.get(f.get("code"))
        if decision == "dismiss":
            continue
        findings.append({**f, "review": "confirmed"} if decision == "confirm" else dict(f))
    dismissed_codes = {f.get("code") for f in original["findings"]} - {f.get("code") for f in findings}
    dismissed_codes |= {k for k, v in decisions.items() if v == "dismiss" and "@" not in k}
    codes = {f.get("code") for f in findings} | (set(original["finding_codes"]) - dismissed_codes)
    out.update(findings=findings, finding_codes=sorted(c for c in codes if c),
               corrections=corrections, review_original=original,
               dismissed_findings=[f for f in original["findings"] if f not in
                                   [{k: v for k, v in x.items() if k != "review"} for x in findings]])
    return out


def reviews_for(session: Any, report_id: str) -> list[dict[str, Any]]:
    """The reviews of one report from web_reviews, oldest first (input of apply_reviews)."""
    from sqlalchemy import select

    from .models import Review

    rows = session.scalars(select(Review).where(Review.report_id == report_id)
                           .order_by(Review.at, Review.id))
    return [{"kind": r.kind, "code": r.code, "path": r.path, "old_value": r.old_value,
             "new_value": r.new_value, "user": r.user, "reason": r.reason,
             "at": r.at.isoformat() if r.at else None} for r in rows]
