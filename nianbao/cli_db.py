"""`nianbao db upgrade|current|check|downgrade|revision`: the state database's schema versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine

from . import db, pg_server
from .errors import NianbaoError
from .settings import get_settings


@contextmanager
def _engine() -> Iterator[Engine]:
    """The configured database's engine, disposed of when the command is done with it."""
    engine = db.make_engine(get_settings().database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _at_head(engine: Engine) -> db.SchemaState:
    """The schema's state; SchemaOutdated unless the database is at this program's head."""
    state = db.schema_state(engine)
    if state.state != "current":
        raise db.SchemaOutdated(state.message())
    return state


def _safe_url() -> str:
    return db.make_engine(get_settings().database_url).url.render_as_string(hide_password=True)


@click.group("db")
def db_group() -> None:
    """状态数据库结构版本 / the state database's schema versions (Alembic)."""


@db_group.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """升级到最新（或指定）版本 / upgrade the schema to head (or REVISION); back up first."""
    with _engine() as engine:
        before, after = db.upgrade(engine, revision)
    if before == after:
        click.echo(f"已是版本 {after}，无需升级 / already at {after}: nothing to do ({_safe_url()})")
    else:
        click.echo(f"已升级 upgraded {before or '(new)'} → {after} ({_safe_url()})")


@db_group.command()
def current() -> None:
    """当前版本与状态 / the database's revision, this program's head, and the state."""
    with _engine() as engine:
        state = db.schema_state(engine)
    click.echo(f"database {_safe_url()}")
    click.echo(f"current  {state.current or '-'}")
    click.echo(f"head     {state.head}")
    click.echo(f"state    {state.state}")


@db_group.command()
def check() -> None:
    """检查数据库是否与程序一致 / exit 1 unless the database is at head and matches the models."""
    with _engine() as engine:
        state = _at_head(engine)
        diffs = db.differences(engine)
    if diffs:
        for d in diffs:
            click.echo(f"  {d}", err=True)
        raise NianbaoError(f"数据库结构与模型不一致（{len(diffs)} 处）/ the schema differs from the "
                           f"models in {len(diffs)} place(s): a change without a migration?")
    click.echo(f"正常 / ok: at {state.head}, schema matches the models")


@db_group.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """回退到指定版本 / step the schema back to REVISION (before running an older program)."""
    with _engine() as engine:
        before, after = db.downgrade(engine, revision)
    click.echo(f"已回退 downgraded {before} → {after or '(base)'} ({_safe_url()})")


@db_group.command()
@click.option("-m", "--message", required=True, help="what the revision changes")
@click.option("--rev-id", default=None, help="revision id (default: the next number)")
def revision(message: str, rev_id: str | None) -> None:
    """开发者：按模型差异生成新版本 / developers: autogenerate a revision from the models
    against the configured database (which must be at head). Review it by hand."""
    from alembic import command  # ≈0.7 s: only for migrations

    with _engine() as engine:
        rev_id = rev_id or f"{int(_at_head(engine).head) + 1:04d}"
        with engine.begin() as conn:
            script = command.revision(db.alembic_config(conn), message=message, autogenerate=True,
                                      rev_id=rev_id)
    click.echo(getattr(script, "path", script))


@click.group("pg")
def pg_group() -> None:
    """本地 PostgreSQL（开发与测试）/ the project-managed local PostgreSQL (development, tests)."""


@pg_group.command("start")
@click.option("--database", default="nianbao", show_default=True, help="created if missing")
def pg_start(database: str) -> None:
    """启动（或复用）并打印 NIANBAO_DB_URL / start or reuse it; prints a NIANBAO_DB_URL."""
    pg_server.start()
    click.echo(pg_server.ensure_database(database))


@pg_group.command("stop")
def pg_stop() -> None:
    """停止 / stop it."""
    click.echo("stopped" if pg_server.stop() else "not running")


@pg_group.command("status")
def pg_status() -> None:
    """状态 / home, initialised, running, port (JSON)."""
    click.echo(json.dumps(pg_server.status()))
