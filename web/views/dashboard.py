"""The compliance dashboard for a year: drill down province → city → county → township,
per-area counts with a bar, the publishers table, reports per day against the deadline."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for

from monitor import compliance as compliance_mod
from monitor import snapshot

from .. import deps
from ..errors import BadRequest
from ..findings import status_label
from ..respond import Table, respond, wanted

bp = Blueprint("dashboard", __name__)

STATUSES = ("on_time", "late", "missing", "not_due", "unknown")
# The page lists the publishers most in need of attention first, at most HTML_ROWS of them;
# JSON, CSV and XLSX carry them all.
SEVERITY = {"missing": 0, "late": 1, "unknown": 2, "not_due": 3, "on_time": 4}
HTML_ROWS = 300
LEVELS = ("province", "city", "county", "township")


def region_args() -> dict[str, str | None]:
    return {k: (request.args.get(k) or None) for k in ("province", "city", "county")}


def year_arg() -> int:
    raw = request.args.get("year")
    if not raw:
        return deps.today().year - 1
    try:
        year = int(raw)
    except ValueError:
        raise BadRequest("year 应为年份 / year must be a year, e.g. 2024", param="year") from None
    if not 2000 <= year <= 2100:
        raise BadRequest("year 超出范围 / year out of range", param="year")
    return year


_LOCK = threading.Lock()


def compliance(year: int, region: dict[str, str | None]) -> dict[str, Any]:
    """monitor.compliance.evaluate, kept for a while (config NIANBAO_COMPLIANCE_TTL seconds,
    default 60): the state changes only when a crawl runs, and a national evaluation reads
    every publisher (seconds for 40,000). Past the TTL the old report is still served while one
    background thread evaluates again (stale-while-revalidate), so no reader waits for it;
    concurrent first requests for the same view wait for one evaluation."""
    snap = snapshot_report(year, region)
    if snap is not None:
        return snap
    ttl = float(current_app.config.get("NIANBAO_COMPLIANCE_TTL", 60))
    key = (year, deps.today(), region["province"], region["city"], region["county"])
    ext = current_app.extensions["nianbao"]
    if ttl <= 0:
        return _evaluate(year, region)
    hit = ext.setdefault("compliance", {}).get(key)
    if hit:
        if time.monotonic() - hit[0] >= ttl:
            _refresh_later(current_app._get_current_object(), key, year, region)  # type: ignore[attr-defined]
        return hit[1]
    with _LOCK:
        key_lock = ext.setdefault("compliance_locks", {}).setdefault(key, threading.Lock())
    with key_lock:
        hit = ext.setdefault("compliance", {}).get(key)
        if hit:
            return hit[1]
        report = _evaluate(year, region)
        _store(ext, key, report)
    return report


def snapshot_at(year: int) -> Any:
    """When the stored snapshot (monitor.snapshot) of `year` was computed; None without one."""
    try:
        return snapshot.latest(deps.db(), year)
    except Exception:  # no snapshot table (a database not upgraded): the evaluate path still answers
        current_app.logger.exception("compliance snapshot unavailable")
        deps.db().rollback()
        return None


def snapshot_report(year: int, region: dict[str, str | None]) -> dict[str, Any] | None:
    """The stored snapshot in evaluate's shape, or None when the year has none."""
    at = snapshot_at(year)
    if at is None:
        return None
    cache = current_app.extensions["nianbao"].setdefault("compliance_snapshot", {})
    key = ("report", year, region["province"], region["city"], region["county"], at)
    if key not in cache:  # exports and the API read every row: keep them per computed_at
        if len(cache) > 256:
            cache.clear()
        cache[key] = snapshot.report(deps.db(), year, region["province"], region["city"],
                                     region["county"])
    return cache[key]


def _evaluate(year: int, region: dict[str, str | None]) -> dict[str, Any]:
    return compliance_mod.evaluate(deps.db(), year, deps.today(), region["province"],
                                   region["city"], region["county"], es=deps.es(),
                                   prefix=deps.prefix())


def _store(ext: dict[str, Any], key: tuple, report: dict[str, Any]) -> None:
    cache = ext.setdefault("compliance", {})
    if len(cache) > 256:
        cache.clear()
    cache[key] = (time.monotonic(), report)


def _refresh_later(app: Any, key: tuple, year: int, region: dict[str, str | None]) -> None:
    """One background re-evaluation per view at a time."""
    ext = app.extensions["nianbao"]
    with _LOCK:
        busy = ext.setdefault("compliance_refreshing", set())
        if key in busy:
            return
        busy.add(key)

    def work() -> None:
        try:
            with app.app_context():
                _store(ext, key, _evaluate(year, region))
        except Exception:  # the stale report stays; the next request tries again
            app.logger.exception("compliance refresh failed")
        finally:
            with _LOCK:
                busy.discard(key)

    threading.Thread(target=work, name="compliance-refresh", daemon=True).start()


def _aware(at: Any) -> str:
    """The snapshot's time (the server's own clock, naive) as ISO 8601 with its offset."""
    if getattr(at, "tzinfo", None) is None:
        at = at.astimezone()
    return at.isoformat(timespec="seconds")


def year_has_data(year: int) -> bool:
    """Whether any report of `year` is indexed at all (anywhere): before monitoring covered a
    year every publisher would look "missing", years late; such a year says it has no data.
    Kept for a minute; True when the index cannot be asked (the evaluation stands)."""
    ext = current_app.extensions["nianbao"].setdefault("year_has_data", {})
    hit = ext.get(year)
    if hit and time.monotonic() - hit[0] < 60:
        return bool(hit[1])
    try:
        n = deps.es().count(index=f"{deps.prefix()}-reports",
                            query={"term": {"year": year}})["count"]
    except Exception:  # noqa: BLE001
        current_app.logger.warning("reports of %s not countable", year, exc_info=True)
        return True
    ext[year] = (time.monotonic(), n > 0)
    return n > 0


def next_level(region: dict[str, str | None]) -> str:
    """The level shown below the deepest region chosen (county → its townships)."""
    for key, level in (("county", "township"), ("city", "county"), ("province", "city")):
        if region.get(key):
            return level
    return "province"


def areas(report: dict[str, Any], level: str) -> list[dict[str, Any]]:
    rows = compliance_mod.rollup(report, level)
    ids = {p.get("name"): p.get("id") for p in report.get("publishers") or []}
    for r in rows:
        r["name"] = r.get(level) or "—"
        r.update(r["counts"])
        if level == "township":
            r["id"] = ids.get(r["name"])
    return rows


def per_day(publishers: list[dict[str, Any]]) -> dict[str, Any]:
    """Reports published per day, and the deadlines, for the chart (and its table twin)."""
    days = Counter((p.get("published") or "")[:10] for p in publishers if p.get("published"))
    deadlines = sorted({(p.get("deadline") or "")[:10] for p in publishers if p.get("deadline")})
    return {"days": [{"date": d, "count": n} for d, n in sorted(days.items())], "deadlines": deadlines}


def finding_codes(p: dict[str, Any]) -> list[str | None]:
    return [f.get("code") if isinstance(f, dict) else str(f) for f in p.get("findings") or []]


PUB_COLUMNS = [("id", "ID"), ("name", "单位"), ("county", "县区"), ("status", "状态"),
               ("deadline", "期限"), ("published", "发布日期"), ("first_seen", "首次发现"),
               ("days_late", "逾期天数"), ("findings", "问题")]


@bp.route("/compliance")
@bp.route("/compliance.<any(json,csv,xlsx):fmt>")
def dashboard(fmt: str | None = None) -> Response:
    year, region = year_arg(), region_args()
    level = next_level(region)
    if not year_has_data(year):
        return _no_data(year, region, level, fmt)
    at = snapshot_at(year)
    if at is not None and wanted(fmt) == "html":
        return _snapshot_page(year, region, level, at)
    report = compliance(year, region)
    area_rows = _snapshot_areas(year, region, level) if at is not None else areas(report, level)
    pubs = report.get("publishers") or []
    chart = per_day(pubs)
    data = {"year": year, "filters": region, "level": level, "counts": report.get("counts", {}),
            "areas": [{k: v for k, v in a.items() if k != "counts"} for a in area_rows],
            "publishers": pubs, "per_day": chart}
    if at is not None:
        data["computed_at"] = _aware(at)
    if request.args.get("table") == "days":
        table = Table(f"per-day-{year}", [("date", "日期"), ("count", "发布数量")], chart["days"])
    elif request.args.get("table") == "areas":
        table = Table(f"areas-{year}", [(level, "地区"), *((s, s) for s in STATUSES), ("total", "合计")],
                      [{**a, level: a["name"]} for a in area_rows])
    else:
        table = Table(f"compliance-{year}", PUB_COLUMNS,
                      [{**p, "status": status_label(p.get("status")), "findings": finding_codes(p)}
                       for p in pubs])
    shown = sorted(pubs, key=lambda p: (SEVERITY.get(p.get("status"), 9), -(p.get("days_late") or 0)))
    return _page(data, fmt, table, shown[:HTML_ROWS], len(pubs), region)


def _no_data(year: int, region: dict[str, str | None], level: str, fmt: str | None) -> Response:
    """A year no report of which is indexed: say so, instead of every publisher "missing"."""
    data = {"year": year, "filters": region, "level": level, "no_data": True,
            "counts": {}, "areas": [], "publishers": [], "per_day": {"days": [], "deadlines": []}}
    table = Table(f"compliance-{year}", PUB_COLUMNS, [])
    return respond("dashboard.html", data, fmt=fmt, table=table, statuses=STATUSES, shown=[],
                   n_pubs=0, chart_json="{}", finding_codes=finding_codes,
                   crumbs=_crumbs(year, region),
                   rargs={"year": year, **{k: v for k, v in region.items() if v}},
                   area_link=lambda a: None, subscribe_link=_subscribe_link(region),
                   years=_years_with_data(), region_args={k: v for k, v in region.items() if v})


def _years_with_data() -> list[int]:
    try:
        res = deps.es().search(index=f"{deps.prefix()}-reports", size=0,
                               aggs={"y": {"terms": {"field": "year", "size": 30,
                                                     "order": {"_key": "desc"}}}})
        return [int(b["key"]) for b in res["aggregations"]["y"]["buckets"]]
    except Exception:  # noqa: BLE001
        return []


def _subscribe_link(region: dict[str, str | None]) -> str:
    params: dict[str, Any] = {"kind": "region_compliance", **{k: v for k, v in region.items() if v}}
    return url_for("subscriptions.new", **params)


def _snapshot_areas(year: int, region: dict[str, str | None], level: str) -> list[dict[str, Any]]:
    rows = snapshot.counts(deps.db(), year, region["province"], region["city"], region["county"],
                           by=level)
    for r in rows:
        r["name"] = r.get(level) or "—"
        r.update(r["counts"])
    return rows


def _snapshot_page(year: int, region: dict[str, str | None], level: str, at: Any) -> Response:
    """The HTML page from the stored snapshot: SQL counts, the first HTML_ROWS publishers by
    severity, the chart; no publisher list is loaded beyond what is shown."""
    args = (year, region["province"], region["city"], region["county"])
    cache = current_app.extensions["nianbao"].setdefault("compliance_snapshot", {})
    key = (*args, at)  # a snapshot never changes in place: a new computed_at is a new key
    data = cache.get(key)
    if data is None:
        data = _snapshot_data(args, level, at)
        if len(cache) > 256:
            cache.clear()
        cache[key] = data
    return _page(data, None, None, data["publishers"], sum(data["counts"].values()), region)


def _snapshot_data(args: tuple, level: str, at: Any) -> dict[str, Any]:
    snap, db = snapshot, deps.db()
    region = dict(zip(("province", "city", "county"), args[1:], strict=True))
    area_rows = _snapshot_areas(args[0], region, level)
    return {"year": args[0], "filters": region, "level": level, "counts": snap.counts(db, *args),
            "areas": [{k: v for k, v in a.items() if k != "counts"} for a in area_rows],
            "publishers": snap.rows(db, *args, order="severity", limit=HTML_ROWS),
            "per_day": snap.per_day(db, *args), "computed_at": _aware(at)}


def _page(data: dict[str, Any], fmt: str | None, table: Table | None, shown: list[dict[str, Any]],
          n_pubs: int, region: dict[str, str | None]) -> Response:
    year, level = data["year"], data["level"]
    return respond("dashboard.html", data, fmt=fmt, table=table, statuses=STATUSES,
                   shown=shown, n_pubs=n_pubs,
                   chart_json=json.dumps(data["per_day"], ensure_ascii=False), finding_codes=finding_codes,
                   crumbs=_crumbs(year, region),
                   rargs={"year": year, **{k: v for k, v in region.items() if v}},
                   area_link=lambda a: _area_link(year, region, level, a),
                   subscribe_link=_subscribe_link(region))


def _crumbs(year: int, region: dict[str, str | None]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [("全国", {"year": year})]
    params: dict[str, Any] = {"year": year}
    for key in ("province", "city", "county"):
        if region.get(key):
            params = {**params, key: region[key]}
            out.append((region[key] or "", dict(params)))
    return out


def _area_link(year: int, region: dict[str, str | None], level: str, area: dict[str, Any]) -> str | None:
    if level == "township":
        pid = area.get("id")
        return url_for("publisher.publisher", pid=pid, year=year) if pid else None
    params = {"year": year, **{k: v for k, v in region.items() if v}, level: area["name"]}
    return url_for("dashboard.dashboard", **params)
