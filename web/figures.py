"""Figure filters of a query (`applications.new.total>0`): which table cells a journalist asked
about, so that the hits show the matching value and the report page marks the cell."""

from __future__ import annotations

from typing import Any

from indexer.mappings import FIGURE_PATHS
from indexer.query import Bool, Filter, Not, QuerySyntaxError, parse_query
from nianbao.contract import get_path

from . import deps


def figure_paths(q: str | None) -> list[str]:
    """The contract paths of the figures the query filters on (not under NOT), in order."""
    if not q:
        return []
    try:
        ast = parse_query(q).ast
    except QuerySyntaxError:
        return []
    out: list[str] = []

    def walk(node: Any, negated: bool) -> None:
        if isinstance(node, Filter) and not negated:
            for kind in ("range", "term"):
                for path in (node.es.get(kind) or {}):
                    if path in FIGURE_PATHS and path not in out:
                        out.append(path)
        elif isinstance(node, Not):
            walk(node.child, not negated)
        elif isinstance(node, Bool):
            for c in node.children:
                walk(c, negated)

    walk(ast, False)
    return out


def hit_figures(hits: list[dict[str, Any]], paths: list[str]) -> dict[str, list[dict[str, Any]]]:
    """{report id: [{path, value}]} for the hits of one page (one mget, only with figure filters)."""
    ids = [h["id"] for h in hits if h.get("id")]
    if not paths or not ids:
        return {}
    try:
        res = deps.es().mget(index=f"{deps.prefix()}-reports", ids=ids, source=paths)
    except Exception:  # noqa: BLE001 — the hits still show without their figures
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for d in res.get("docs") or []:
        src = d.get("_source") or {}
        out[d["_id"]] = [{"path": p, "value": get_path(src, p)} for p in paths
                         if get_path(src, p) is not None]
    return out
