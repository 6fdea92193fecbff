"""Shared fixtures: settings on a temporary data dir, and the real Elasticsearch.

When NIANBAO_ES_URL is set the tests use that cluster; otherwise the project-managed local
server is started for the session (installed from Maven Central by `nianbao es install`) and
stopped at the end if this session started it. Every test run gets its own index prefix.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao import es_server
from nianbao.es import es_client, server_version
from nianbao.settings import Settings, get_settings

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
if not SEEDS.exists():  # a clone elsewhere: shared/ beside the checkout, or NIANBAO_SEEDS
    SEEDS = Path(os.environ.get("NIANBAO_SEEDS", "../shared/seeds")).resolve()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seed reports not found at {SEEDS} (set NIANBAO_SEEDS)"
    return SEEDS


# What the session's Elasticsearch was, for the closing summary (CI logs show the version).
_ES_USED: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _ES_USED:
        terminalreporter.write_line(
            f"Elasticsearch {_ES_USED['version']} at {_ES_USED['url']} ({_ES_USED['how']})")


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    base = get_settings()
    if base.es_url:
        _ES_USED.update(url=base.es_url, how="NIANBAO_ES_URL",
                        version=server_version(es_client(base)))
        yield base.es_url
        return
    already = es_server.status(base)["running"]
    url = es_server.start(base)
    client = es_client(base.model_copy(update={"es_url": url}))
    _ES_USED.update(url=url, version=server_version(client),
                    how="project-managed server, " + ("reused" if already else "started for the tests"))
    yield url
    if not already and not os.environ.get("NIANBAO_KEEP_ES"):
        es_server.stop(base)


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
