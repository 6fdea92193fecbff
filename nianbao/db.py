"""The state database: one SQLAlchemy Base shared by every package's tables, and its schema
versions (Alembic revisions in `nianbao/migrations/versions`).

Who owns the schema: the Alembic revisions are its history, and `alembic_version` in the
database says where a database stands. A brand-new (empty) database is built from the models
in one step (`create_all`) and stamped with the head revision — by `init_db` and by `nianbao db
upgrade` alike; a test proves that the revisions from base to head build exactly the same
schema. Any other database is changed only by `nianbao db upgrade`: `init_db` (every command
and the portal go through it) refuses a database at an older revision with `SchemaOutdated`.
A database made before migrations existed (tables, no `alembic_version`) is adopted by
`nianbao db upgrade`: it is stamped with the first revision (the schema `create_all` made
then), then upgraded.

Which modules define tables on Base is the application's to say, not this floor's (it imports
no stage): the top floor's registry, `nianbao.app.models`, registers a function here that imports every
one (`register_models`); `metadata()` calls it the first time the schema is needed. Without a
registry `metadata()` refuses, and so does everything that builds, judges or compares the
schema — rather than stamp a database at head with some of its tables.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, inspect, text
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from .errors import NianbaoError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema of the last version without migrations (create_all)
UPGRADE_HINT = "请先备份，再运行 `nianbao db upgrade` / back it up, then run `nianbao db upgrade`"


class Base(DeclarativeBase):
    # Every model here maps one Table; SQLAlchemy types __table__ as the wider FromClause,
    # which insert()/update()/Table methods reject.
    __table__: ClassVar[Table]


class SchemaOutdated(NianbaoError):
    """The state database is not at this program's schema revision."""


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
    if url.startswith("postgresql://"):  # the driver the project pins (psycopg 3)
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        # The program's times are UTC (naive columns hold UTC, as on SQLite): the session's
        # time zone must not be the server's local one, or aware values shift on the way in
        # and timestamptz columns come back in that zone.
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"})
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


# --- the model registry (filled from the top floor) ----------------------------------------

_loader: Callable[[], Sequence[ModuleType]] | None = None
_registered: tuple[str, ...] = ()  # the modules the loader imported, once it has run


class ModelsNotRegistered(RuntimeError):
    """The schema was needed before the application registered its models: a program that uses
    the state database without going through `nianbao.app` (import nianbao.app.models)."""


def register_models(loader: Callable[[], Sequence[ModuleType]]) -> None:
    """Called by the application's registry (nianbao.app.models) with a function that imports
    every module defining tables on Base and returns them; run by the first `metadata()`."""
    global _loader, _registered
    _loader, _registered = loader, ()


def registered_models() -> tuple[str, ...]:
    """The names of the modules with tables, as the registry returned them."""
    metadata()
    return _registered


def metadata() -> MetaData:
    """Base.metadata with every table: create_all, Alembic (nianbao/migrations/env.py) and the
    schema checks read it. Raises ModelsNotRegistered before the registry is loaded."""
    global _registered
    if _registered:
        return Base.metadata
    if _loader is None:
        raise ModelsNotRegistered(
            "the state database's models are not registered: import nianbao.app.models (the "
            "top floor's registry; the `nianbao` command and the portal load it) before using it")
    _registered = tuple(m.__name__ for m in _loader())
    return Base.metadata


# --- schema versions -----------------------------------------------------------------------

def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic Config on the project's migrations (no alembic.ini needed)."""
    from alembic.config import Config  # alembic (≈0.7 s): only for migrations and schema checks

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revision() -> str:
    from alembic.script import ScriptDirectory  # alembic: only for migrations

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head, "no migrations found"
    return head


@functools.cache
def known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory  # alembic: only for migrations

    return frozenset(s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions())


@dataclass(frozen=True)
class SchemaState:
    """`state`: empty | unversioned | current | outdated | unknown (a revision this program
    does not know: the database was upgraded by a newer version)."""

    state: str
    current: str | None
    head: str

    def message(self) -> str:
        if self.state == "unversioned":
            return ("状态数据库由旧版本创建，尚无结构版本 / the state database predates schema "
                    f"migrations (no version, this program needs {self.head}); {UPGRADE_HINT}")
        if self.state == "outdated":
            return (f"状态数据库结构版本过旧（{self.current}，需要 {self.head}）/ the state database "
                    f"schema is out of date ({self.current}, this program needs {self.head}); "
                    f"{UPGRADE_HINT}")
        if self.state == "unknown":
            return (f"状态数据库结构版本 {self.current} 比本程序新（{self.head}）/ the state database "
                    f"schema {self.current} is newer than this program ({self.head}): run the newer "
                    "version, or downgrade with its `nianbao db downgrade`")
        return f"状态数据库结构 / state database schema: {self.state} ({self.current or '-'})"


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext  # alembic: only for migrations

    return MigrationContext.configure(conn).get_current_revision()


def schema_state(engine: Engine) -> SchemaState:
    metadata()
    head = head_revision()
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        current = _current_revision(conn) if "alembic_version" in names else None
    if current is None:
        ours = names & set(_model_tables())
        return SchemaState("unversioned" if ours else "empty", None, head)
    if current == head:
        return SchemaState("current", current, head)
    if current in known_revisions():
        return SchemaState("outdated", current, head)
    return SchemaState("unknown", current, head)


def _model_tables() -> list[str]:
    return list(metadata().tables)


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """One process at a time creates or upgrades the schema (a file lock beside a SQLite
    database, an advisory lock on PostgreSQL)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            yield
            return
        fd = os.open(f"{url.database}.schema-lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    if url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(7405151)"))  # any constant of ours
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(7405151)"))
                conn.commit()
        return
    yield


def _create_and_stamp(engine: Engine) -> None:
    from alembic import command  # alembic: only for migrations

    with engine.begin() as conn:
        metadata().create_all(conn)
        command.stamp(alembic_config(conn), "head")


def init_db(engine: Engine) -> None:
    """Create the schema of a brand-new database (stamped at head); accept a database at
    head; refuse any other with `SchemaOutdated` (`nianbao db upgrade` changes it)."""
    metadata()
    with schema_lock(engine):
        state = schema_state(engine)
        if state.state == "empty":
            _create_and_stamp(engine)
        elif state.state != "current":
            raise SchemaOutdated(state.message())


def require_current(url: str) -> None:
    """For long-running commands (`serve`, the demo): refuse a database that exists and is not
    at head before starting anything. An empty or new database is fine (init_db builds it)."""
    engine = make_engine(url)
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    if state.state not in ("empty", "current"):
        raise SchemaOutdated(state.message())


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to `revision` (default head); returns (before, after)."""
    from alembic import command  # alembic: only for migrations

    metadata()
    with schema_lock(engine):
        state = schema_state(engine)
        if state.state == "empty" and revision == "head":
            _create_and_stamp(engine)
            return None, head_revision()
        if state.state == "unknown":
            raise SchemaOutdated(state.message())
        with engine.begin() as conn:
            if state.state == "unversioned":  # made by create_all before migrations existed
                command.stamp(alembic_config(conn), BASELINE)
            command.upgrade(alembic_config(conn), revision)
        with engine.connect() as conn:
            return state.current, _current_revision(conn)


def downgrade(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    """Step the schema back to `revision` (for rolling back a program upgrade)."""
    from alembic import command  # alembic: only for migrations

    metadata()
    with schema_lock(engine):
        with engine.connect() as conn:
            before = _current_revision(conn)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), revision)
        with engine.connect() as conn:
            return before, _current_revision(conn)


def differences(engine: Engine) -> list[Any]:
    """What differs between the database and the models (Alembic's compare_metadata; [] when
    they agree). Tables that are not ours (alembic_version, apscheduler_jobs) are left out."""
    from alembic.autogenerate import compare_metadata  # alembic: only for migrations
    from alembic.runtime.migration import MigrationContext  # alembic: only for migrations

    ours = set(_model_tables())

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return not (type_ == "table" and reflected and name not in ours)

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": include})
        return list(compare_metadata(ctx, metadata()))
