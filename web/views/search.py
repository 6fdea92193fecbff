"""Search: a query box, highlighted hits, facets with counts, sorting and pagination."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from indexer import search as search_mod
from indexer.query import QuerySyntaxError

from .. import deps
from ..errors import BadRequest
from ..examples import examples
from ..figures import figure_paths, hit_figures
from ..highlight import fragments
from ..respond import Table, attachment, csv_lines, respond, to_xlsx
from ..shapes import facet_buckets

bp = Blueprint("search", __name__)

FILTERS = ("year", "province", "city", "county", "finding", "timeliness")
SORTS = ("relevance", "date", "date_asc", "place")
MAX_SIZE = 100
PAGE_WINDOW = 10_000  # results reachable by page number (indexer.search.MAX_WINDOW); then a cursor


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数 / {name} must be an integer", param=name) from None
    return max(lo, min(hi, v))


def search_args() -> dict[str, Any]:
    sort = request.args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest(f"未知排序 / unknown sort: {sort}", param="sort")
    filters = {k: request.args.get(k) for k in FILTERS if request.args.get(k)}
    return {"q": request.args.get("q", "").strip(), "page": _int("page", 1, 1, 10_000_000),
            "size": _int("size", 20, 1, MAX_SIZE), "sort": sort, "filters": filters,
            "cursor": request.args.get("cursor") or None}


def page_window() -> int:
    return int(current_app.config.get("NIANBAO_PAGE_WINDOW", PAGE_WINDOW))


def run_search(args: dict[str, Any], *, facets: bool = True) -> dict[str, Any]:
    """Call indexer.search; a malformed query becomes a 400 that says where it went wrong.
    Facets are counted only when asked for and never on cursor pages (nobody sees them there)."""
    cursor = args.get("cursor")
    counted = facets and cursor is None
    if cursor is None and args["page"] * args["size"] > page_window():
        raise BadRequest(f"只能按页码翻到前 {page_window()} 条，之后请用“下一页”（cursor） / "
                         f"beyond {page_window()} results follow next_cursor", param="page")
    try:
        result = search_mod.search(deps.es(), deps.prefix(), args["q"], page=args["page"],
                                   size=args["size"], sort=args["sort"],
                                   filters=args["filters"] or None,
                                   facets=counted, cursor=cursor, window=page_window())
    except QuerySyntaxError as exc:
        raise BadRequest(str(exc), position=exc.position, column=exc.position + 1,
                         reason=exc.reason, query=args["q"], caret=exc.caret()) from None
    except search_mod.SearchError as exc:
        raise BadRequest(str(exc)) from None
    # the SearchResult's own lists: already plain JSON values, no deep copy (it cost more than
    # the rest of the view together)
    return {"total": result.total, "took_ms": result.took_ms, "hits": result.hits,
            "facets": facet_buckets(result.facets) if counted else {}, "total_exact": result.total_exact,
            "facets_sampled": result.facets_sampled,
            # only where page numbers no longer reach (plain page numbers stay shareable and
            # cheap for the first PAGE_WINDOW results)
            "next_cursor": result.next_cursor}


HIT_COLUMNS = [("id", "ID"), ("title", "标题"), ("organ", "机关"), ("place", "地方"),
               ("county", "县区"), ("year", "年度"), ("published", "发布时间"),
               ("findings", "问题"), ("url", "来源")]


def _finding_codes(hit: dict[str, Any]) -> list[str]:
    out = []
    for f in hit.get("findings") or []:
        out.append(f.get("code") if isinstance(f, dict) else str(f))
    return [c for c in out if c]


def export_cap() -> int:
    return max(1, deps.settings().export_max_rows)


def _export(args: dict[str, Any], fmt: str) -> Response:
    """Every matching report (not one page), streamed in the search's order up to
    export_max_rows; a capped file says so in X-Export-Truncated (the total)."""
    cap = export_cap()
    sort = args["sort"]
    try:  # the total first: a bad query is a 400 before any byte is sent
        first = search_mod.search(deps.es(), deps.prefix(), args["q"], page=1, size=1,
                                  sort=sort, filters=args["filters"] or None, facets=False)
    except QuerySyntaxError as exc:
        raise BadRequest(str(exc), position=exc.position, query=args["q"]) from None
    except search_mod.SearchError as exc:
        raise BadRequest(str(exc)) from None
    total = int(first.total or 0)
    rows = search_mod.iterate(deps.es(), deps.prefix(), args["q"], sort=sort,
                              filters=args["filters"] or None)

    def limited() -> Any:
        for i, h in enumerate(rows):
            if i >= cap:
                rows.close()
                return
            yield {**h, "findings": _finding_codes(h)}

    name = "search"
    if fmt == "xlsx":
        resp = to_xlsx(Table(name, HIT_COLUMNS, list(limited())))
    else:
        table = Table(name, HIT_COLUMNS)
        resp = Response(stream_with_context(csv_lines(table, limited())),
                        mimetype="text/csv; charset=utf-8")
        resp.headers["Content-Disposition"] = attachment(f"{name}.csv")
    resp.headers["X-Export-Rows"] = str(min(total, cap))
    if total > cap or not first.total_exact:
        resp.headers["X-Export-Truncated"] = str(total)
    return resp


@bp.route("/")
@bp.route("/search")
@bp.route("/search.<any(json,csv,xlsx):fmt>")
def search(fmt: str | None = None):  # type: ignore[no-untyped-def]
    if "fmt" in request.args:  # the route's own variable: as a parameter it would reach url_for
        raise BadRequest("未知参数 fmt，格式请用 format= 或 /search.json / unknown parameter fmt "
                         "(use format= or /search.json)", param="fmt")
    args = search_args()
    wanted_fmt = fmt or request.args.get("format")
    if wanted_fmt in ("csv", "xlsx"):
        return _export(args, wanted_fmt)
    data: dict[str, Any] = {**args}
    error = None
    shown = (fmt or request.args.get("format") or "html") in ("html", "json")
    try:
        data.update(run_search(args, facets=shown))
    except BadRequest as exc:
        if fmt or request.args.get("format"):
            raise
        error = exc  # the page shows the error next to the query box, with a 400
        data.update(total=0, took_ms=None, hits=[], facets={}, total_exact=True,
                    facets_sampled=False, next_cursor=None)
    figs = hit_figures(data["hits"], figure_paths(args["q"]))
    table = Table("search", HIT_COLUMNS,
                  [{**h, "findings": _finding_codes(h)} for h in data["hits"]])
    pages = max(1, -(-int(data["total"] or 0) // args["size"]))
    return respond("search.html", data, fmt=fmt, table=table, status=400 if error else 200,
                   error=error, pages=pages, numbered=page_window() // args["size"],
                   fragments=fragments, finding_codes=_finding_codes, link=_link,
                   figures=lambda h: figs.get(h.get("id"), []), subscribe_link=_subscribe_link(args))


@bp.context_processor
def _page_context() -> dict[str, Any]:
    """What the search page shows around the hits (defaults a view may override)."""
    return {"examples": examples(), "export_cap": export_cap(), "unknown": search_mod.UNKNOWN,
            "export_link": _export_link, "figures": lambda h: [],
            "subscribe_link": url_for("subscriptions.new", kind="saved_search")}


def _export_link(fmt: str) -> str:
    params: dict[str, Any] = {k: v for k, v in request.args.items()
                              if k not in ("format", "fmt", "page", "cursor", "lang")}
    return url_for("search.search", fmt=fmt, **params)


def _subscribe_link(args: dict[str, Any]) -> str:
    """The subscription form filled in with this search (query and region/year filters)."""
    params: dict[str, Any] = {"kind": "saved_search"}
    if args["q"]:
        params["q"] = args["q"]
    for k in ("province", "city", "county", "year"):
        if args["filters"].get(k):
            params[k] = args["filters"][k]
    return url_for("subscriptions.new", **params)


def _link(**changes: Any) -> str:
    """This search's URL with some parameters changed (None removes one); page resets."""
    # `fmt` is the route's own variable (search.json …): never a query parameter of a link
    params: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("format", "fmt")}
    if "page" not in changes:
        params.pop("page", None)
    if "cursor" not in changes:  # a cursor belongs to one page of one search
        params.pop("cursor", None)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    return url_for("search.search", **params)
