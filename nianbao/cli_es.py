"""`nianbao es install|start|stop|status`: the project-managed local Elasticsearch."""

from __future__ import annotations

import json

import click

from . import es_server
from .settings import get_settings


@click.group("es")
def es() -> None:
    """管理本地 Elasticsearch / manage the local Elasticsearch (Maven Central integ-test-zip)."""


@es.command()
def install() -> None:
    """下载并解压 / fetch and unpack the server (reuses Maven's cache)."""
    click.echo(es_server.install(get_settings()))


@es.command()
@click.option("--timeout", default=180.0, show_default=True, help="seconds to wait for health")
def start(timeout: float) -> None:
    """启动（或复用）本地服务器 / start or reuse the local server; prints its URL."""
    click.echo(es_server.start(get_settings(), timeout=timeout))


@es.command()
def stop() -> None:
    """停止本地服务器 / stop the local server."""
    click.echo("stopped" if es_server.stop(get_settings()) else "not running")


@es.command()
def status() -> None:
    """状态 / installed, running, URL, health (JSON)."""
    click.echo(json.dumps(es_server.status(get_settings()), ensure_ascii=False))
