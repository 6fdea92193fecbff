"""`nianbao serve`: the portal under waitress (a production WSGI server, not Flask's)."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="worker threads")
def serve_cmd(host: str, port: int, threads: int) -> None:
    """运行门户网站 / run the portal (waitress)."""
    from waitress import serve

    from nianbao.db import require_current
    from nianbao.settings import get_settings

    from . import create_app

    require_current(get_settings().database_url)  # an old schema: `nianbao db upgrade` first
    app = create_app()
    click.echo(f"年报监察 portal on http://{host}:{port}/")
    serve(app, host=host, port=port, threads=threads, ident="nianbao")
