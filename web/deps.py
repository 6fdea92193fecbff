"""What views need from the running app: settings, Elasticsearch, the state DB, today.

Other stages' modules are imported directly where they are used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.es import es_client
from nianbao.settings import Settings


def init_app(app: Flask) -> None:
    app.extensions["nianbao"] = {"es": app.config.pop("NIANBAO_ES", None), "sessions": None}

    @app.teardown_appcontext
    def _close_db(_exc: BaseException | None) -> None:
        s = g.pop("db", None)
        if s is not None:
            s.close()


def settings() -> Settings:
    return current_app.config["NIANBAO_SETTINGS"]


def es() -> Any:
    ext = current_app.extensions["nianbao"]
    if ext["es"] is None:
        ext["es"] = es_client(settings(), request_timeout=10, max_retries=1)
    return ext["es"]


def prefix() -> str:
    return settings().es_index_prefix


def db() -> Session:
    """One session per request (closed at teardown); tables created on first use."""
    if "db" not in g:
        ext = current_app.extensions["nianbao"]
        if ext["sessions"] is None:
            engine = make_engine(settings().database_url)
            init_db(engine)
            ext["sessions"] = make_session_factory(engine)
        g.db = ext["sessions"]()
    return g.db


def today() -> date:
    """Today in the configured time zone (nianbao.clock); tests and demos may pin it with
    config NIANBAO_TODAY (ISO date)."""
    pinned = current_app.config.get("NIANBAO_TODAY")
    if pinned:
        return date.fromisoformat(str(pinned))
    return clock.today(settings())
