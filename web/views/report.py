"""The report page: metadata, archived copies, six parts with search words marked, tables in
the official layout with failing cells marked, findings in plain Chinese, versions and diffs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import select

from indexer.query import QuerySyntaxError, parse_query
from indexer.reviews import Review
from nianbao.tables import report_tables

from .. import deps
from ..errors import BadRequest, NotFound
from ..figures import figure_paths
from ..findings import evidence, meaning
from ..highlight import mark, query_terms
from ..links import external_url
from ..reports import diff_lines, get_report, read_archive, utc_iso, version_text, versions
from ..respond import attachment, respond
from ..tables import PARTS_EN

bp = Blueprint("report", __name__)


def audit_trail(rid: str) -> list[dict[str, Any]]:
    q = select(Review).where(Review.report_id == rid).order_by(Review.at, Review.id)
    return [{"kind": r.kind, "code": r.code, "path": r.path, "old_value": r.old_value,
             "new_value": r.new_value, "reason": r.reason, "user": r.user,
             "at": utc_iso(r.at)} for r in deps.db().scalars(q)]


def terms_of(q: str) -> list[str]:
    """Words to mark: the query's own positive terms, plus the raw words as typed."""
    terms = set(query_terms(q))
    if q:
        try:
            terms |= set(parse_query(q).text_terms())
        except QuerySyntaxError:
            pass
    return sorted((t for t in terms if t), key=len, reverse=True)


def cell_marks(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Contract path → the findings naming that cell."""
    out: dict[str, list[dict[str, Any]]] = {}
    for f in doc.get("findings") or []:
        for path in f.get("cells") or []:
            out.setdefault(path, []).append(f)
    return out


def api_shape(doc: dict[str, Any], vers: list[dict[str, Any]], trail: list[dict[str, Any]]) -> dict[str, Any]:
    """The contract JSON plus source, archive links and versions (the API's report shape)."""
    skip = {"text_norm", "text_seg", "title_seg", "norm"}
    out = {k: v for k, v in doc.items() if k not in skip}
    rid = doc["id"]
    out["source"] = {"url": doc.get("url"), "archive_sha256": doc.get("archive_sha256"),
                     "fetched_at": doc.get("fetched_at"), "first_seen": doc.get("first_seen")}
    out["archive"] = ({"sha256": doc["archive_sha256"],
                       "url": external_url("report.archive", rid=rid, sha256=doc["archive_sha256"])}
                      if doc.get("archive_sha256") else None)
    out["versions"] = [{**v, "archive_url": external_url("report.archive", rid=rid, sha256=v["sha256"])}
                       for v in vers]
    out["audit"] = trail
    return out


@bp.route("/reports/<rid>.<any(json):fmt>")
@bp.route("/reports/<rid>")
def report(rid: str, fmt: str | None = None) -> Response:
    doc = get_report(rid)
    vers = versions(doc)
    trail = audit_trail(doc["id"])
    data = api_shape(doc, vers, trail)
    q = request.args.get("q", "")
    terms = terms_of(q)
    return respond("report.html", data, fmt=fmt, doc=doc, q=q, mark=lambda t: mark(t, terms),
                   tables=report_tables(doc), marks=cell_marks(doc), meaning=meaning,
                   evidence=evidence(doc.get("meta_sources")), figs=figure_paths(q),
                   part_en=PARTS_EN.get)


@bp.route("/reports/<rid>/archive/<sha256>")
def archive(rid: str, sha256: str) -> Response:
    doc = get_report(rid)
    known = {v["sha256"]: v for v in versions(doc)}
    if sha256 not in known and sha256 != doc.get("archive_sha256"):
        raise NotFound("该报告没有这个存档版本 / no such archived version of this report")
    data = read_archive(sha256)
    v = known.get(sha256, {})
    ctype = v.get("content_type") or "application/octet-stream"
    name = v.get("filename") or f"{sha256[:16]}"
    resp = Response(data, mimetype=ctype.split(";")[0])
    # An archived page is foreign HTML: download it, never render it on our origin.
    resp.headers["Content-Disposition"] = attachment(name)
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    resp.headers["X-Archive-SHA256"] = sha256
    return resp


@bp.route("/reports/<rid>/diff")
def diff(rid: str) -> Response:
    doc = get_report(rid)
    vers = versions(doc)
    shas = [v["sha256"] for v in vers]
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not a or not b:
        if len(shas) < 2:
            raise BadRequest("该报告只有一个版本 / this report has only one version")
        a, b = a or shas[-2], b or shas[-1]
    if a not in shas or b not in shas:
        raise NotFound("该报告没有这个版本 / no such version of this report")
    lines = diff_lines(version_text(doc["id"], a), version_text(doc["id"], b), a[:12], b[:12])
    data = {"id": doc["id"], "a": a, "b": b, "diff": [line for _, line in lines]}
    return respond("diff.html", data, fmt=request.args.get("format"), doc=doc, lines=lines,
                   versions=vers)
