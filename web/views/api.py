"""The JSON API (documented in docs/openapi.yaml, served at /api/openapi.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import deps
from ..errors import BadRequest, NotFound
from ..reports import get_report, versions
from .dashboard import compliance, region_args, year_arg
from .report import api_shape, audit_trail
from .search import run_search, search_args
from .subscriptions import call, params_from, subs

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
    mod = deps.stage("indexer.search")
    year = request.args.get("year")
    try:
        out = mod.stats(deps.es(), deps.prefix(), request.args.get("metric", "applications.new.total"),
                        request.args.get("by", "county"), year=int(year) if year else None,
                        q=request.args.get("q") or None, split=request.args.get("split") or None)
    except ValueError:
        raise BadRequest("year 应为整数 / year must be an integer") from None
    except mod.SearchError as exc:
        raise BadRequest(str(exc)) from None
    except deps.stage("indexer.query").QuerySyntaxError as exc:
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

def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None:
        body = request.form.to_dict()
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象 / body must be a JSON object")
    return body


@bp.route("/subscriptions", methods=["POST"])
def create_subscription() -> tuple[Response, int]:
    mod, body = subs(), _body()
    params = body.get("params") if isinstance(body.get("params"), dict) else params_from(body)
    sub = call(mod.create, deps.db(), deps.settings(), kind=str(body.get("kind", "")),
               channel=str(body.get("channel", "")), target=str(body.get("target", "")),
               params=params, mode=str(body.get("mode", "immediate")), label=str(body.get("label", "")))
    return jsonify(mod.to_dict(sub, deps.settings())), 201


@bp.route("/subscriptions/<token>", methods=["GET"])
def get_subscription(token: str) -> Response:
    mod = subs()
    sub = call(mod.get, deps.db(), token)
    return jsonify({**mod.to_dict(sub, deps.settings()), "events": call(mod.list_events, deps.db(), token)})


@bp.route("/subscriptions/<token>", methods=["PATCH"])
def update_subscription(token: str) -> Response:
    mod, body = subs(), _body()
    allowed = {"params", "mode", "label", "target", "status"}
    changes = {k: v for k, v in body.items() if k in allowed}
    if set(body) - allowed:
        raise BadRequest(f"不能修改 / cannot change: {', '.join(sorted(set(body) - allowed))}")
    sub = call(mod.update, deps.db(), token, deps.settings(), **changes)
    return jsonify(mod.to_dict(sub, deps.settings()))


@bp.route("/subscriptions/<token>", methods=["DELETE"])
def delete_subscription(token: str) -> Response:
    mod = subs()
    sub = call(mod.cancel, deps.db(), token)
    return jsonify(mod.to_dict(sub, deps.settings()))


@bp.route("/openapi.yaml")
def openapi() -> Response:
    if not OPENAPI.exists():
        raise NotFound("docs/openapi.yaml missing")
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/yaml")
