"""The state database: one SQLAlchemy Base shared by every package's tables."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import ClassVar

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# Packages whose models.py define tables on Base; imported by init_db so that
# create_all sees every table whatever was imported before.
MODEL_MODULES = ("crawler.models", "indexer.reviews", "monitor.models", "web.models")


class Base(DeclarativeBase):
    # Every model here maps one Table; SQLAlchemy types __table__ as the wider FromClause,
    # which insert()/update()/Table methods reject.
    __table__: ClassVar[Table]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets the web app read while the crawler writes; foreign keys on.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def init_db(engine: Engine) -> None:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module
                raise
    Base.metadata.create_all(engine)
