"""The portal: a Flask app factory with one blueprint per feature.

`create_app(config)` takes a dict of Flask config; `NIANBAO_SETTINGS` (a Settings object) and
`NIANBAO_ES` (an Elasticsearch client) may be passed in (tests do); otherwise both come from
`nianbao.settings.get_settings()`.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Flask, g

from nianbao.settings import Settings, get_settings

from . import compress, deps, i18n, security
from .jsonio import OrjsonProvider
from .views import register


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    config = dict(config or {})
    settings: Settings = config.pop("NIANBAO_SETTINGS", None) or get_settings()
    app.config.update(
        NIANBAO_SETTINGS=settings,
        # No secret in the repo: without one configured, a random per-process key
        # (sessions then end when the server restarts).
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # An https deployment: the session cookie never travels over plain HTTP.
        SESSION_COOKIE_SECURE=settings.base_url.lower().startswith("https://"),
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE=settings.default_lang or "zh",
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    app.config.from_prefixed_env("NIANBAO_FLASK")
    app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    deps.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    register(app)
    _server_timing(app)  # registered first, runs last: includes compression
    compress.init_app(app)
    return app


def _server_timing(app: Flask) -> None:
    """`Server-Timing: app;dur=…` on every response (the benchmark reads it; so can ops)."""
    @app.before_request
    def _start() -> None:
        g.t0 = time.perf_counter()

    @app.after_request
    def _stop(resp):  # type: ignore[no-untyped-def]
        t0 = g.get("t0")
        if t0 is not None:
            resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        return resp
