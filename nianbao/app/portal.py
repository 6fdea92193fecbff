"""The portal as deployed: web.create_app with what only the top floor can give it (the
pipeline run behind the admin page's crawl button), and `nianbao serve`.

The web package does not import the pipeline (it sits below this floor); it calls whatever
callable it was given as config NIANBAO_PIPELINE."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from waitress import serve

from indexer.warmup import warm_configured
from nianbao.db import require_current
from nianbao.settings import get_settings
from web import create_app

from .pipeline import run_pipeline


def create_portal(config: dict[str, Any] | None = None) -> Flask:
    return create_app({"NIANBAO_PIPELINE": run_pipeline, **(config or {})})


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="worker threads")
def serve_cmd(host: str, port: int, threads: int) -> None:
    """运行门户网站 / run the portal (waitress)."""
    require_current(get_settings().database_url)  # an old schema: `nianbao db upgrade` first
    app = create_portal()
    click.echo(f"warm-up: {warm_configured()}", err=True)  # before the first reader, bounded
    click.echo(f"年报监察 portal on http://{host}:{port}/")
    serve(app, host=host, port=port, threads=threads, ident="nianbao")
