"""Blueprints, one per feature, and the one error handler."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from nianbao.errors import NianbaoError, ServiceUnavailable, UsageError

from ..errors import BadRequest, WebError
from ..findings import meaning, status_label
from ..respond import wants_json
from ..security import csrf
from ..tables import label
from . import (
    admin,
    api,
    auth,
    dashboard,
    demo,
    help,
    publisher,
    report,
    review,
    search,
    subscriptions,
)


def register(app: Flask) -> None:
    for mod in (search, report, dashboard, publisher, review, auth, help, subscriptions, admin, api):
        app.register_blueprint(mod.bp)
    if app.config.get("NIANBAO_DEMO"):  # `nianbao demo` only: its mailbox and world clock
        app.register_blueprint(demo.bp)
    app.jinja_env.globals.update(meaning=meaning, status_label=status_label,
                                 table_label=lambda text: label(text, str(get_locale() or "zh")))

    csrf.exempt(api.bp)  # JSON API: no cookies carry authority there (tokens in the URL)

    @app.errorhandler(WebError)
    def _web_error(exc: WebError) -> tuple[Response | str, int]:
        return _error(exc.status, exc.code, exc.message, exc.extra)

    @app.errorhandler(NianbaoError)
    def _stage_error(exc: NianbaoError) -> tuple[Response | str, int]:
        # Another stage's one-line error: bad input 400, a server we need is down 503.
        if isinstance(exc, ServiceUnavailable):
            return _error(503, "unavailable", str(exc), {})
        if isinstance(exc, UsageError):
            return _error(400, "bad_request", str(exc), {})
        return _error(500, "error", str(exc), {})

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
        return _error(400, "csrf", "表单已过期或缺少校验码，请刷新后重试 / CSRF token missing or invalid", {})

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response | str, int]:
        return _error(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"),
                      exc.description or "", {})


def _error(status: int, code: str, message: str, extra: dict) -> tuple[Response | str, int]:
    if wants_json() or request.path.endswith(".json"):
        return jsonify({"error": {"code": code, "message": message, **extra}}), status
    return render_template("error.html", status=status, code=code, message=message,
                           extra=extra), status


__all__ = ["register", "BadRequest"]
