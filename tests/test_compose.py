"""docker-compose.yml cannot run here (no Docker engine): check its structure against the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from nianbao.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_services_present():
    services = load()["services"]
    assert {"elasticsearch", "web", "scheduler", "mail"} <= set(services)


def test_elasticsearch_matches_managed_version_and_security():
    es = load()["services"]["elasticsearch"]
    assert es["image"].endswith(":" + Settings().es_version)
    env = es["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "true"
    assert "healthcheck" in es and any("esdata" in v for v in es["volumes"])


def test_app_environment_names_real_settings():
    fields = {f"NIANBAO_{name.upper()}" for name in Settings.model_fields} | {"NIANBAO_ES_PREFIX"}
    for name in ("web", "scheduler"):
        env = load()["services"][name]["environment"]
        unknown = set(env) - fields
        assert not unknown, f"{name}: environment names no setting: {unknown}"
        assert env["NIANBAO_ES_URL"] == "http://elasticsearch:9200"


def test_web_port_matches_serve_default_and_commands_exist():
    services = load()["services"]
    assert "5000:5000" in services["web"]["ports"]
    assert services["web"]["command"][:2] == ["nianbao", "serve"]
    assert services["scheduler"]["command"] == ["nianbao", "scheduler"]
    from nianbao.app.cli import COMMANDS

    assert "serve" in COMMANDS and "scheduler" in COMMANDS


def test_no_secrets_in_compose_or_example():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${ELASTIC_PASSWORD:?" in text  # required from the env file, never a literal
    example = (ROOT / ".env.example").read_text()
    assert "change-me" in example and (ROOT / ".gitignore").read_text().count(".env") >= 1


def test_web_and_scheduler_share_a_postgresql_service_not_a_sqlite_file():
    services = load()["services"]
    pg = services["db"]
    assert pg["image"].startswith("postgres:")
    assert any(v.startswith("pgdata:") for v in pg["volumes"]) and "pgdata" in load()["volumes"]
    assert pg["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")  # from .env
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    for name in ("web", "scheduler"):
        svc = services[name]
        url = svc["environment"]["NIANBAO_DB_URL"]
        assert url.startswith("postgresql+psycopg://nianbao:${POSTGRES_PASSWORD:?") and url.endswith("@db:5432/nianbao")
        assert svc["depends_on"]["db"] == {"condition": "service_healthy"}
    text = (ROOT / "docker-compose.yml").read_text()
    assert "sqlite:" not in text.lower()  # no SQLite URL anywhere
    assert "POSTGRES_PASSWORD=change-me" in (ROOT / ".env.example").read_text()
