"""The foundation: settings, CLI behaviour and the real Elasticsearch."""

from __future__ import annotations

import subprocess
import sys

from nianbao.es import server_version
from nianbao.settings import Settings


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao.app.cli", *args], capture_output=True, text=True)


def test_env_overrides_yaml(monkeypatch):
    monkeypatch.setenv("NIANBAO_ES_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("NIANBAO_DATA_DIR", "/tmp/nb-data")
    monkeypatch.delenv("NIANBAO_DB_URL", raising=False)  # set by the PostgreSQL test run
    s = Settings()
    assert s.es_url == "http://127.0.0.1:1"
    assert str(s.data_path) == "/tmp/nb-data"
    assert s.database_url == "sqlite:////tmp/nb-data/state.db"
    assert s.es_index_prefix == "nianbao"  # from config/settings.yaml


def test_cli_help_lists_commands():
    res = run_cli("--help")
    assert res.returncode == 0
    for name in ("parse", "crawl", "index", "serve", "demo", "es", "search", "simweb"):
        assert name in res.stdout
    assert "unavailable" not in res.stdout  # every registered command imports


def test_every_command_has_help():
    from nianbao.app.cli import COMMANDS

    for name in COMMANDS:
        res = run_cli(name, "--help")
        assert res.returncode == 0, (name, res.stderr)
        assert "Usage:" in res.stdout


def test_every_command_is_loaded_with_the_command():
    """The commands are imported with `nianbao.app.cli`, not looked up by name when called."""
    import click

    from nianbao.app.cli import COMMANDS, cli

    assert type(cli) is click.Group
    assert cli.commands == COMMANDS and len(COMMANDS) == 15
    assert all(isinstance(cmd, click.Command) for cmd in COMMANDS.values())


def test_a_command_that_fails_to_import_fails_loudly():
    """A broken command is an import error, never a command shown as "unavailable"."""
    code = ("import sys; sys.modules['simweb.cli'] = None\n"  # `import simweb.cli` raises ImportError
            "from nianbao.app.cli import main; sys.exit(main(['--help']))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode != 0 and "unavailable" not in res.stdout
    assert "ModuleNotFoundError" in res.stderr and "simweb.cli" in res.stderr


def test_cli_version():
    res = run_cli("--version")
    assert res.returncode == 0 and "nianbao" in res.stdout


def test_cli_wrong_flag_is_usage_error():
    res = run_cli("--no-such-flag")
    assert res.returncode == 2
    assert "no-such-flag" in res.stderr


def test_elasticsearch_is_real(es, es_prefix):
    assert server_version(es).startswith("8.")
    idx = f"{es_prefix}-foundation"
    es.index(index=idx, id="1", document={"t": "朝阳镇人民政府"}, refresh=True)
    hits = es.search(index=idx, query={"match_phrase": {"t": "阳镇人"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]
