"""The JSON API (documented in docs/openapi.yaml, served at /api/openapi.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer import search as search_mod
from indexer.query import QuerySyntaxError
from monitor import subscriptions as subs

from .. import deps
from ..errors import BadRequest, NotFound
from ..reports import get_report, versions
from .dashboard import compliance, region_args, year_arg
from .report import api_shape, audit_trail
from .search import run_search, search_args
from .subscriptions import call, params_from

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@bp.route("/search")
def search() -> Response:
    args = search_args()
    facets = request.args.get("facets", "1").lower() not in ("0", "false", "no")
    return jsonify({**run_search(args, facets=facets), "q": args["q"], "page": args["page"],
                    "size": args["size"], "sort": args["sort"], "filters": args["filters"]})


@bp.route("/reports/<rid>")
def report(rid: str) -> Response:
    doc = get_report(rid)
    return jsonify(api_shape(doc, versions(doc), audit_trail(doc["id"])))


@bp.route("/stats")
def stats() -> Response:
    year = request.args.get("year")
    try:
        out = search_mod.stats(deps.es(), deps.prefix(), request.args.get("metric", "applications.new.total"),
                               request.args.get("by", "county"), year=int(year) if year else None,
                               q=request.args.get("q") or None, split=request.args.get("split") or None)
    except ValueError:
        raise BadRequest("year 应为整数 / year must be an integer") from None
    except search_mod.SearchError as exc:
        raise BadRequest(str(exc)) from None
    except QuerySyntaxError as exc:
        raise BadRequest(str(exc), position=exc.position) from None
    return jsonify(out)


@bp.route("/compliance")
def compliance_api() -> Response:
    if not request.args.get("year"):
        raise BadRequest("需要 year 参数 / year is required", param="year")
    rep = compliance(year_arg(), region_args())
    return jsonify({"year": rep["year"], "counts": rep["counts"], "filters": rep.get("filters"),
                    "publishers": rep["publishers"]})


# --- subscriptions ---------------------------------------------------------------------------

MAX_DEPTH = 8  # a subscription body is two levels deep; anything far deeper is not one
TEXT_FIELDS = ("kind", "channel", "target", "mode", "label")
PARAM_KEYS = ("q", "province", "city", "county", "year", "publisher_id", "codes")


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a hostile body must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d <= MAX_DEPTH and isinstance(v, dict | list):
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def _body() -> dict[str, Any]:
    """A JSON object (or a form); strict JSON, shallow, text fields as strings."""
    if request.is_json:
        try:
            body = request.get_json()
        except HTTPException:
            raise BadRequest("请求体不是有效的 JSON / body is not valid JSON (RFC 8259: no NaN, "
                             "no numbers beyond a double, at most 1,024 levels)") from None
    else:
        body = request.form.to_dict()
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象 / body must be a JSON object")
    if _depth(body) > MAX_DEPTH:
        raise BadRequest(f"请求体嵌套过深 / body nested deeper than {MAX_DEPTH} levels")
    wrong = [k for k in TEXT_FIELDS if k in body and not isinstance(body[k], str)]
    if wrong:
        raise BadRequest(f"字段应为字符串 / these fields must be strings: {', '.join(wrong)}")
    return body


@bp.route("/subscriptions", methods=["POST"])
def create_subscription() -> tuple[Response, int]:
    body = _body()
    if "params" in body:  # a JSON body names its parameters; a form has them at the top
        params = body["params"]
    elif request.is_json:
        params = {k: body[k] for k in PARAM_KEYS if k in body}
    else:
        params = params_from(request.form)
    sub = call(subs.create, deps.db(), deps.settings(), kind=body.get("kind", ""),
               channel=body.get("channel", ""), target=body.get("target", ""),
               params=params, mode=body.get("mode", "immediate"), label=body.get("label", ""))
    return jsonify(subs.to_dict(sub, deps.settings())), 201


@bp.route("/subscriptions/<token>", methods=["GET"])
def get_subscription(token: str) -> Response:
    sub = call(subs.get, deps.db(), token)
    return jsonify({**subs.to_dict(sub, deps.settings()), "events": call(subs.list_events, deps.db(), token)})


@bp.route("/subscriptions/<token>", methods=["PATCH"])
def update_subscription(token: str) -> Response:
    body = _body()
    allowed = {"params", "mode", "label", "target", "status"}
    changes = {k: v for k, v in body.items() if k in allowed}
    if set(body) - allowed:
        raise BadRequest(f"不能修改 / cannot change: {', '.join(sorted(set(body) - allowed))}")
    sub = call(subs.update, deps.db(), token, deps.settings(), **changes)
    return jsonify(subs.to_dict(sub, deps.settings()))


@bp.route("/subscriptions/<token>", methods=["DELETE"])
def delete_subscription(token: str) -> Response:
    sub = call(subs.cancel, deps.db(), token)
    return jsonify(subs.to_dict(sub, deps.settings()))


@bp.route("/openapi.yaml")
def openapi() -> Response:
    if not OPENAPI.exists():
        raise NotFound("docs/openapi.yaml missing")
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/yaml")
