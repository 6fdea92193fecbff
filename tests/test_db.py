"""Schema migrations of the state database (Alembic), on SQLite and — with
NIANBAO_TEST_DATABASE=postgresql — on the project-managed PostgreSQL."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from nianbao import db
from nianbao.app.cli import main
from nianbao.settings import get_settings

TEST_DATABASE = os.environ.get("NIANBAO_TEST_DATABASE", "sqlite")


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    """An empty state database of the backend under test."""
    if TEST_DATABASE == "postgresql":
        return os.environ["NIANBAO_DB_URL"]  # a fresh database per test (tests/conftest.py)
    return f"sqlite:///{tmp_path}/state.db"


@pytest.fixture()
def use_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI reads the same database."""
    monkeypatch.setenv("NIANBAO_DB_URL", db_url)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def previous_revision() -> str:
    prev = ScriptDirectory.from_config(db.alembic_config()).get_revision(db.head_revision()).down_revision
    assert isinstance(prev, str)
    return prev


def migrate(url: str, revision: str) -> None:
    """Build the database as that revision's migrations leave it (base → revision)."""
    engine = db.make_engine(url)
    with engine.begin() as conn:
        command.upgrade(db.alembic_config(conn), revision)
    engine.dispose()


def version_rows(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT version_num FROM alembic_version")))


def column_type(engine, table: str, column: str):  # type: ignore[no-untyped-def]
    return next(c["type"] for c in inspect(engine).get_columns(table) if c["name"] == column)


def test_backend_is_the_one_asked_for(use_db):
    engine = db.make_engine(get_settings().database_url)
    assert engine.dialect.name == TEST_DATABASE
    if TEST_DATABASE == "postgresql":  # times in UTC whatever the server's zone
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW timezone").scalar_one() == "UTC"
    engine.dispose()


def test_migrations_from_base_build_exactly_the_models(db_url):
    migrate(db_url, "head")
    engine = db.make_engine(db_url)
    assert db.schema_state(engine).state == "current"
    assert db.differences(engine) == []  # compare_metadata: the revisions and the models agree
    engine.dispose()


def test_new_database_is_made_from_the_models_and_stamped_head(db_url):
    engine = db.make_engine(db_url)
    assert db.schema_state(engine).state == "empty"
    db.init_db(engine)
    db.init_db(engine)  # idempotent
    assert version_rows(engine) == [db.head_revision()]
    assert db.differences(engine) == []
    engine.dispose()


def test_concurrent_init_of_a_new_database(db_url):
    errors: list[BaseException] = []

    def init() -> None:
        engine = db.make_engine(db_url)
        try:
            db.init_db(engine)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=init) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    engine = db.make_engine(db_url)
    assert version_rows(engine) == [db.head_revision()]
    engine.dispose()


def test_upgrade_a_database_made_by_the_previous_revision(use_db, capsys):
    prev = previous_revision()
    migrate(use_db, prev)
    engine = db.make_engine(use_db)
    with engine.begin() as conn:  # rows written by the previous version
        conn.execute(text(
            "INSERT INTO monitor_subscriptions (token, kind, params, channel, target, mode, status, "
            "label, failures, created_at) VALUES ('tok', 'findings', '{}', 'webhook', "
            "'http://example.org/h', 'immediate', 'active', '', 0, '2025-01-02 03:04:05')"))
        conn.execute(text(
            "INSERT INTO monitor_events (key, kind, province, city, county, codes, payload, created_at) "
            "VALUES ('late:p:2024', 'late', '', '', '', '[]', '{}', '2025-01-02 03:04:05')"))
        conn.execute(text(
            "INSERT INTO monitor_outbox (key, subscription_id, event_id, quote, status, created_at) "
            "SELECT 'k1', s.id, e.id, '{}', 'pending', '2025-01-02 03:04:05' "
            "FROM monitor_subscriptions s, monitor_events e"))
    # What the head revision (0004) changes: a review's key as TEXT, on PostgreSQL only (SQLite
    # does not enforce VARCHAR lengths: its schema is the same, only the version moves).
    if TEST_DATABASE == "postgresql":
        assert db.differences(engine) != []  # the previous revision really is different
        assert str(column_type(engine, "web_reviews", "path")) == "VARCHAR(200)"

    with pytest.raises(db.SchemaOutdated, match="nianbao db upgrade"):
        db.init_db(engine)  # every command and the portal refuse it

    assert main(["db", "upgrade"]) == 0
    assert f"{prev} → {db.head_revision()}" in capsys.readouterr().out
    assert version_rows(engine) == [db.head_revision()]
    assert db.differences(engine) == []
    if TEST_DATABASE == "postgresql":
        assert str(column_type(engine, "web_reviews", "path")) == "TEXT"
    long_key = "BLANK_CELL@" + ",".join(f"applications.refused_{i}.natural_person" for i in range(12))
    with engine.begin() as conn:  # the key of a finding naming many cells fits
        conn.execute(text("INSERT INTO web_reviews (report_id, kind, code, path, reason, \"user\", at) "
                          "VALUES ('r1', 'dismiss', 'BLANK_CELL', :k, '', 'u', '2025-01-02 03:04:05')"),
                     {"k": long_key})
    with engine.connect() as conn:  # nothing lost
        assert conn.execute(text("SELECT key, status FROM monitor_outbox")).all() == [("k1", "pending")]
        assert conn.execute(text("SELECT path FROM web_reviews")).scalar_one() == long_key
    db.init_db(engine)  # accepted now
    assert main(["db", "check"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    engine.dispose()


def test_upgrade_from_the_first_revision(use_db):
    migrate(use_db, "0001")
    engine = db.make_engine(use_db)
    assert "ix_outbox_pending" not in {i["name"] for i in inspect(engine).get_indexes("monitor_outbox")}
    assert main(["db", "upgrade"]) == 0
    assert "ix_outbox_pending" in {i["name"] for i in inspect(engine).get_indexes("monitor_outbox")}
    assert db.differences(engine) == []
    if TEST_DATABASE == "postgresql":  # 0003: WARC offsets are 64-bit
        assert str(column_type(engine, "http_cache", "warc_offset")) == "BIGINT"
    with engine.begin() as conn:  # an offset past 2 GiB fits
        conn.execute(text("INSERT INTO http_cache (url, content_type, warc_offset, checked_at) "
                          "VALUES ('http://x/', '', 3000000000, '2025-01-02 03:04:05')"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT warc_offset FROM http_cache")).scalar_one() == 3_000_000_000
    engine.dispose()


def test_downgrade_for_a_rollback_then_upgrade_again(use_db, capsys):
    prev = previous_revision()
    engine = db.make_engine(use_db)
    db.init_db(engine)
    assert main(["db", "downgrade", prev]) == 0
    assert version_rows(engine) == [prev]
    assert main(["db", "current"]) == 0
    assert "outdated" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert db.schema_state(engine).state == "current"
    engine.dispose()


def test_a_database_from_before_migrations_is_adopted(db_url):
    migrate(db_url, db.BASELINE)  # what create_all made before Alembic …
    engine = db.make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # … with no version table
    state = db.schema_state(engine)
    assert state.state == "unversioned"
    with pytest.raises(db.SchemaOutdated, match="predates schema migrations"):
        db.init_db(engine)
    assert db.upgrade(engine) == (None, db.head_revision())
    assert db.differences(engine) == []
    engine.dispose()


def test_check_fails_when_the_schema_drifts_from_the_models(use_db, capsys):
    engine = db.make_engine(use_db)
    db.init_db(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_outbox_pending"))
    assert main(["db", "check"]) == 1
    err = capsys.readouterr().err
    assert "ix_outbox_pending" in err and "without a migration" in err
    engine.dispose()


def test_serve_and_scheduler_refuse_an_old_schema(use_db, capsys):
    migrate(use_db, previous_revision())
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "状态数据库结构版本过旧" in err and "nianbao db upgrade" in err
    assert main(["scheduler"]) == 1
    assert "nianbao db upgrade" in capsys.readouterr().err


def test_demo_refuses_an_old_schema_before_starting_anything(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "demo"))
    monkeypatch.setenv("NIANBAO_ES_URL", "http://127.0.0.1:9")  # never reached
    get_settings.cache_clear()
    migrate(get_settings().database_url, previous_revision())
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        assert main(["demo", "--sim-port", "0", "--port", "0"]) == 1
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "nianbao db upgrade" in err
    assert not (tmp_path / "demo" / "config").exists()  # the simulated web never started


def test_without_the_registry_the_schema_is_refused(tmp_path: Path) -> None:
    """A program that uses the state database without the top floor's registry (only some
    table modules imported) gets ModelsNotRegistered, not a database stamped at head with part
    of its tables."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path}/partial.db"
    code = ("import crawler.models\n"
            "from nianbao import db\n"
            "try:\n"
            f"    db.init_db(db.make_engine({url!r}))\n"
            "except db.ModelsNotRegistered as exc:\n"
            "    print('refused:', exc)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert res.returncode == 0, res.stderr
    assert "refused:" in res.stdout and "nianbao.app.models" in res.stdout
    engine = db.make_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
