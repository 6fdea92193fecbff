"""Shared fixtures: settings on a temporary data dir, and the real Elasticsearch.

When NIANBAO_ES_URL is set the tests use that cluster; otherwise the project-managed local
server is started for the session (installed from Maven Central by `nianbao es install`) and
stopped at the end if this session started it. Every test run gets its own index prefix.

The state database is a SQLite file in each test's data dir. With NIANBAO_TEST_DATABASE=postgresql
it is PostgreSQL instead: the project-managed server (`nianbao.pg_server`, started for the
session unless running, stopped at the end if this session started it; NIANBAO_KEEP_PG=1 keeps
it), a fresh database per test and one per module (for module-scoped fixtures), handed to the
code as NIANBAO_DB_URL and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import nianbao.app  # noqa: F401  (the model registry: init_db sees every table)
from nianbao import es_server, pg_server
from nianbao.es import es_client, server_version
from nianbao.settings import Settings, get_settings

# The seed reports: the copy in tests/seeds (README there), or NIANBAO_SEEDS.
SEEDS = Path(os.environ.get("NIANBAO_SEEDS") or Path(__file__).resolve().parent / "seeds")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seed reports not found at {SEEDS} (set NIANBAO_SEEDS)"
    return SEEDS


# What the session's Elasticsearch was, for the closing summary (CI logs show the version).
_ES_USED: dict[str, str] = {}
_PG_USED: dict[str, str] = {}

TEST_DATABASE = os.environ.get("NIANBAO_TEST_DATABASE", "sqlite")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_DATABASE not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"NIANBAO_TEST_DATABASE must be sqlite or postgresql, not {TEST_DATABASE!r}")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _ES_USED:
        terminalreporter.write_line(
            f"Elasticsearch {_ES_USED['version']} at {_ES_USED['url']} ({_ES_USED['how']})")
    if _PG_USED:
        terminalreporter.write_line(
            f"state database: PostgreSQL {_PG_USED['version']} at {_PG_USED['where']} ({_PG_USED['how']})")


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """The project-managed PostgreSQL (fails loudly when it cannot start: CI installs it)."""
    already = pg_server.running()
    url = pg_server.start()
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar_one()
    engine.dispose()
    _PG_USED.update(version=str(version), where=url.rsplit("@", 1)[1],
                    how="reused" if already else "started for the tests")
    yield url
    if not already and not os.environ.get("NIANBAO_KEEP_PG"):
        pg_server.stop()


@contextlib.contextmanager
def _pg_database(request: pytest.FixtureRequest) -> Iterator[None]:
    request.getfixturevalue("pg_admin_url")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = pg_server.create_database(name)
    old = os.environ.get("NIANBAO_DB_URL")
    os.environ["NIANBAO_DB_URL"] = url
    get_settings.cache_clear()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NIANBAO_DB_URL", None)
        else:
            os.environ["NIANBAO_DB_URL"] = old
        get_settings.cache_clear()
        pg_server.drop_database(name)


@contextlib.contextmanager
def own_state_db(request: pytest.FixtureRequest) -> Iterator[None]:
    """A fresh state database on PostgreSQL (a SQLite file lives in each fixture's own data dir
    already): for every module and test, and for each instance of a parametrized module
    fixture, whose module database is made once per module, not per parameter."""
    if TEST_DATABASE != "postgresql":
        yield
        return
    with _pg_database(request):
        yield


@pytest.fixture(scope="module", autouse=True)
def _module_state_db(request: pytest.FixtureRequest) -> Iterator[None]:
    with own_state_db(request):
        yield


@pytest.fixture(autouse=True)
def _test_state_db(request: pytest.FixtureRequest, _module_state_db: None) -> Iterator[None]:
    with own_state_db(request):
        yield


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    base = get_settings()
    if base.es_url:
        _ES_USED.update(url=base.es_url, how="NIANBAO_ES_URL",
                        version=server_version(es_client(base)))
        yield base.es_url
        return
    with es_server.in_use(base):  # another session running at the same time keeps it alive
        already = es_server.status(base)["running"]
        url = es_server.start(base)
        client = es_client(base.model_copy(update={"es_url": url}))
        _ES_USED.update(url=url, version=server_version(client),
                        how="project-managed server, " + ("reused" if already else "started for the tests"))
        yield url
    if not already and not os.environ.get("NIANBAO_KEEP_ES"):
        es_server.stop_if_unused(base)


@pytest.fixture(scope="session")
def es_prefix(es_url: str) -> Iterator[str]:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = es_client(get_settings().model_copy(update={"es_url": es_url}))
    client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture()
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings on a fresh data dir; uses the test Elasticsearch when the test asks for it."""
    update: dict = {"data_dir": tmp_path / "var"}
    if "es" in request.fixturenames:
        update["es_url"] = request.getfixturevalue("es_url")
        update["es_index_prefix"] = request.getfixturevalue("es_prefix")
    return get_settings().model_copy(update=update)


@pytest.fixture(scope="session")
def es(es_url: str):
    client = es_client(get_settings().model_copy(update={"es_url": es_url}))
    assert client.cluster.health()["status"] in ("green", "yellow"), f"Elasticsearch at {es_url} is not healthy"
    return client
