"""Reviews applied to a report: corrected cells and dismissed findings, original kept.

The ES document keeps `review_original` (the parser's findings and the original value of every
corrected cell) and `corrections` (who/when/why), and carries the corrected values in the
contract fields, so search, facets, the dashboard and alerts all see the corrected report.
`apply_reviews(doc, reviews)` is pure and idempotent: the indexer calls it again on every freshly
parsed document so that a re-crawl does not lose a correction. The portal records reviews;
the table lives here because the index stage owns "the current facts of a report".
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from nianbao import clock
from nianbao.contract import get_path
from nianbao.db import Base


class Review(Base):
    """A decision on a finding (confirm / dismiss), or a corrected cell, with who/when/why.

    For a correction, `path` is the contract path of the cell, `old_value` the value the parser
    read (the original parse is kept), and `new_value` the value used from then on.
    """

    __tablename__ = "web_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # confirm | dismiss | correct
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # a cell path, or a finding's key (code@every cell it names: can be long)
    path: Mapped[str | None] = mapped_column(Text().with_variant(String(200), "sqlite"), nullable=True)
    old_value: Mapped[object | None] = mapped_column(JSON, nullable=True)
    new_value: Mapped[object | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    user: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.utc)


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
    # Only a correction writes inside the document (set_path); otherwise new top-level values
    # are enough; a deep copy of a whole report cost ~0.4 ms, on every document indexed.
    out = copy.deepcopy(doc) if any(r["kind"] == "correct" for r in reviews) else dict(doc)
    original = copy.deepcopy(out.get("review_original")) or {
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
    return reviews_of(session, [report_id]).get(report_id, [])


def reviews_of(session: Any, report_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The reviews of several reports in one query: report id → its reviews, oldest first
    (every id asked for is a key). The indexer asks for a batch at a time: a query per report
    was a fifth of its time."""
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in report_ids}
    if not report_ids:
        return out
    rows = session.scalars(select(Review).where(Review.report_id.in_(sorted(set(report_ids))))
                           .order_by(Review.at, Review.id))
    for r in rows:
        out[r.report_id].append(
            {"kind": r.kind, "code": r.code, "path": r.path, "old_value": r.old_value,
             "new_value": r.new_value, "user": r.user, "reason": r.reason,
             "at": r.at.isoformat() if r.at else None})
    return out
