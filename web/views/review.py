"""Review: confirm or dismiss a finding, correct a misread cell — who, when, why recorded.

Each review is a row of web_reviews; the report is then rebuilt from its original parse plus all
reviews (indexer.reviews.apply_reviews) and re-indexed through indexer.store, so the corrected
values are what search, facets, the dashboard and alerts read.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from indexer.reviews import Review, apply_reviews, finding_key, reviews_for, set_path
from indexer.store import index_reports
from nianbao.contract import get_path
from nianbao.tables import value_paths

from .. import deps
from ..errors import BadRequest
from ..reports import get_report
from ..security import login_required

bp = Blueprint("review", __name__)


def _reason() -> str:
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        raise BadRequest("请填写理由 / a reason is required")
    return reason[:2000]


def reindex(rid: str) -> dict[str, Any]:
    """Rebuild the report from its original parse and every review, and index it."""
    doc = get_report(rid)
    reviews = reviews_for(deps.db(), rid)
    base = _original(doc)
    new = apply_reviews(base, reviews)
    _ok, errors = index_reports(deps.es(), deps.prefix(), [new], refresh=True)
    if errors:
        raise BadRequest(f"重新索引失败 / re-indexing failed: {next(iter(errors.values()))}")
    current_app.extensions["nianbao"]["compliance"] = {}  # findings changed: re-evaluate
    return new


def _original(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as parsed: corrected cells and dismissed findings put back."""
    orig = doc.get("review_original")
    if not orig:
        return doc
    base = copy.deepcopy({k: v for k, v in doc.items()
                          if k not in ("review_original", "corrections", "dismissed_findings")})
    for path, value in orig["values"].items():
        set_path(base, path, value)
    base["findings"] = orig["findings"]
    base["finding_codes"] = orig["finding_codes"]
    return base


@bp.route("/reports/<rid>/review", methods=["POST"])
@login_required
def decide(rid: str) -> Response:
    decision = request.form.get("decision")
    if decision not in ("confirm", "dismiss"):
        raise BadRequest("未知操作 / unknown decision")
    key = request.form.get("key", "")
    doc = get_report(rid)
    known = {finding_key(f) for f in (doc.get("review_original") or doc).get("findings") or []}
    if key not in known:
        raise BadRequest("该报告没有这个问题 / no such finding on this report")
    s = deps.db()
    s.add(Review(report_id=rid, kind=decision, code=key.split("@")[0], path=key,
                 reason=_reason(), user=session["user"]))
    s.commit()
    reindex(rid)
    flash("已记录审核意见 / review recorded")
    return redirect(url_for("report.report", rid=rid) + "#findings")


def _value(raw: str) -> int | float | None:
    raw = raw.strip().replace(",", "")
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            raise BadRequest(f"数值无效 / not a number: {raw[:40]}") from None


@bp.route("/reports/<rid>/correct", methods=["POST"])
@login_required
def correct(rid: str) -> Response:
    doc = get_report(rid)
    path = request.form.get("path", "").strip()
    if path not in value_paths(doc):
        raise BadRequest(f"没有这个单元格 / no such cell: {path[:80]}")
    value = _value(request.form.get("value", ""))
    s = deps.db()
    s.add(Review(report_id=rid, kind="correct", path=path, old_value=get_path(doc, path),
                 new_value=value, reason=_reason(), user=session["user"]))
    s.commit()
    reindex(rid)
    flash("已保存更正 / correction saved")
    return redirect(url_for("report.report", rid=rid) + "#audit")
