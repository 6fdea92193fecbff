"""A publisher: its reports over the years and its compliance record."""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError
from flask import Blueprint, Response, request

from crawler.models import PublisherRow

from .. import deps
from ..errors import NotFound
from ..respond import Table, respond
from .dashboard import compliance, year_has_data

bp = Blueprint("publisher", __name__)


def registry_row(pid: str) -> dict[str, Any] | None:
    row = deps.db().get(PublisherRow, pid)
    if row is None:
        return None
    return {k: getattr(row, k) for k in ("id", "name", "level", "province", "city", "county",
                                         "code", "deadline", "entry_url")}


def reports_of(pid: str) -> list[dict[str, Any]]:
    try:
        res = deps.es().search(
            index=f"{deps.prefix()}-reports", size=100, query={"term": {"publisher_id": pid}},
            source=["id", "title", "organ", "year", "published", "first_seen", "deadline",
                    "days_late", "timeliness", "finding_codes", "url", "status",
                    "province", "city", "county"],
            sort=[{"year": {"order": "desc", "unmapped_type": "integer"}}])
    except ApiError:
        return []
    return [h["_source"] for h in res["hits"]["hits"]]


def record(pub: dict[str, Any], years: list[int]) -> list[dict[str, Any]]:
    """This publisher's compliance row for each year (evaluated within its county)."""
    out = []
    for year in sorted(set(years), reverse=True):
        if not year_has_data(year):  # no report of that year anywhere: no verdict either
            continue

        rep = compliance(year, {"province": pub.get("province") or None,
                                "city": pub.get("city") or None, "county": pub.get("county") or None})
        out += [{**r, "year": year} for r in rep.get("publishers", []) if r.get("id") == pub["id"]]
    return out


@bp.route("/publishers/<pid>.<any(json,csv,xlsx):fmt>")
@bp.route("/publishers/<pid>")
def publisher(pid: str, fmt: str | None = None) -> Response:
    pub = registry_row(pid)
    reports = reports_of(pid)
    if pub is None and not reports:
        raise NotFound(f"找不到发布单位 / no such publisher: {pid}")
    if pub is None:
        r0 = reports[0]
        pub = {"id": pid, "name": r0.get("organ"), "province": r0.get("province"),
               "city": r0.get("city"), "county": r0.get("county"), "level": None}
    years = [r["year"] for r in reports if r.get("year")]
    if request.args.get("year", "").isdigit():
        years.append(int(request.args["year"]))
    if not years:
        years = [deps.today().year - 1]
    rec = record(pub, years) if registry_row(pid) else []
    data = {"publisher": pub, "reports": reports, "compliance": rec}
    table = Table(f"publisher-{pid}", [("year", "年度"), ("status", "状态"), ("deadline", "期限"),
                                        ("published", "发布日期"), ("days_late", "逾期天数")], rec)
    return respond("publisher.html", data, fmt=fmt, table=table)
