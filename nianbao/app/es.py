"""`nianbao es`: the ground floor's commands (nianbao.cli_es), with `start` followed by the
warm-up (indexer.warmup, es_warmup_seconds) — the warm-up searches through the indexer, a
floor the ground floor does not import."""

from __future__ import annotations

import json

import click

from indexer.warmup import warm_configured
from nianbao import cli_es, es_server
from nianbao.settings import get_settings

es = click.Group("es", help=cli_es.es.help,
                 commands={name: cmd for name, cmd in cli_es.es.commands.items() if name != "start"})


@es.command()
@click.option("--timeout", default=180.0, show_default=True, help="seconds to wait for health")
def start(timeout: float) -> None:
    """启动（或复用）本地服务器并预热 / start or reuse the local server, then warm it up
    (es_warmup_seconds); prints its URL."""
    settings = get_settings()
    click.echo(es_server.start(settings, timeout=timeout))
    click.echo(f"[es] warm-up: {json.dumps(warm_configured(settings), ensure_ascii=False)}", err=True)
