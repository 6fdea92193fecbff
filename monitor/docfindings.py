"""Write the monitor's findings back into the Elasticsearch report documents, so that
`finding:DUPLICATE_TEXT` searches, the facets and the report page see them.

After each indexed batch: cross-report findings (DUPLICATE_TEXT with its similarity,
FIGURE_JUMP, YEAR_CONTINUITY) and the compliance row's findings of the report (LATE with the
days, MODIFIED, REMOVED, BACKDATED, DATE_CONFLICT). A report that a new one duplicates gets
the mirror DUPLICATE_TEXT too. MISSING has no document: it stays on the compliance row.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from indexer.store import ExtraUpdate, set_extra_findings

from .compliance import ComplianceRecord, evaluate
from .crossreport import findings_for
from .events import CROSS_CODES, DocEvent

log = logging.getLogger(__name__)
COMPLIANCE_CODES = ("LATE", "MODIFIED", "REMOVED", "BACKDATED", "DATE_CONFLICT")


def compliance_findings(row: ComplianceRecord | None) -> tuple[list[dict], dict[str, Any]]:
    """The row's findings that belong on the report document, and its timeliness fields."""
    if row is None or row["status"] not in ("late", "on_time"):
        return [], {}
    found = [f for f in row["findings"] if f["code"] in COMPLIANCE_CODES]
    fields = {"deadline": row["deadline"], "days_late": row["days_late"] or 0, "timeliness": row["status"]}
    return found, fields


def _rows(session: Session, year: int, today: date, grace_days: int,
          reports: dict[int, dict]) -> dict[str, ComplianceRecord]:
    """Compliance rows by publisher id, one evaluation per year and run."""
    if year not in reports:
        reports[year] = evaluate(session, year, today, grace_days=grace_days)
    return {r["id"]: r for r in reports[year]["publishers"]}


def write_back(session: Session, es: Elasticsearch, prefix: str, doc_events: list[DocEvent], today: date, grace_days: int,
               reports: dict[int, dict] | None = None) -> int:
    """Store the findings of the batch's documents (and their duplicates) on the ES documents;
    returns how many documents were written to."""
    reports = {} if reports is None else reports
    targets: dict[str, tuple[str | None, int | None, bool]] = {}  # es id -> (publisher, year, cross known)
    cross: dict[str, list[dict]] = {}
    for de in doc_events:
        if de.es_id is None:
            continue
        ev = de.event
        known = targets.get(de.es_id, (None, None, False))[2] or ev.kind != "removed"
        targets[de.es_id] = (ev.publisher_id, ev.year, known)
        if ev.kind != "removed":
            cross[de.es_id] = de.cross
    updates: dict[str, ExtraUpdate] = {}
    for es_id, (pid, year, known) in targets.items():
        rows = _rows(session, year, today, grace_days, reports) if pid and year else {}
        found, fields = compliance_findings(rows.get(pid) if pid else None)
        updates[es_id] = {"findings": found + cross.get(es_id, []), "fields": fields,
                          "codes": COMPLIANCE_CODES + (CROSS_CODES if known else ())}
    for es_id, extra in _partners(es, prefix, cross, set(targets)).items():
        updates[es_id] = {"findings": extra, "codes": CROSS_CODES}
    try:
        return len(set_extra_findings(es, prefix, updates)) if updates else 0
    except Exception as exc:  # the alerts themselves must still go out
        log.warning("findings of %d reports not stored: %s", len(updates), exc)
        return 0


def _partners(es: Elasticsearch, prefix: str, cross: dict[str, list[dict]], done: set[str]) -> dict[str, list[dict]]:
    """Cross-report findings recomputed for the reports the batch's documents duplicate."""
    ids = sorted({f["similar_to"] for fs in cross.values() for f in fs
                  if f["code"] == "DUPLICATE_TEXT" and f.get("similar_to") not in done})
    if not ids:
        return {}
    found = findings_for(es, prefix, ids)
    return {i: found.get(i, []) for i in ids}
