"""Alembic environment: the models of every package on `nianbao.db.Base`, as the application's
registry (`nianbao.app.models`) registered them — read through `nianbao.db.metadata()`, since
this ground-floor module imports no floor above it.

Run through `nianbao.db` (the `nianbao db` commands and `init_db`), which hands over an open
connection in `config.attributes["connection"]`; a URL in the config is used otherwise.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nianbao.db import make_engine, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata(),
        compare_type=True,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) mode is not supported: run `nianbao db upgrade`")
run_migrations_online()
