"""The `nianbao` command (the console entry point, pyproject.toml [project.scripts]): on the top
floor, since its command table names every floor's commands. Subcommands live in their own
packages and are imported directly: a command that fails to import fails the command, loudly
(`nianbao --help` lists every command with its help, so it imports them all anyway)."""

from __future__ import annotations

import sys

import click

from crawler.cli import crawl_cmd, registry
from indexer.cli import index_cmd, search_cmd
from indexer.parse.cli import parse_cmd
from monitor.cli import alerts, compliance_cmd
from nianbao import __version__
from nianbao.cli_db import db_group, pg_group
from nianbao.errors import NianbaoError
from simweb.cli import simweb
from web.cli import users_group

from .demo import demo_cmd
from .es import es
from .portal import serve_cmd
from .scheduler import scheduler_cmd

# name -> click command. A package adds its command here.
COMMANDS: dict[str, click.Command] = {
    "es": es,
    "db": db_group,
    "pg": pg_group,
    "parse": parse_cmd,
    "index": index_cmd,
    "search": search_cmd,
    "simweb": simweb,
    "crawl": crawl_cmd,
    "registry": registry,
    "scheduler": scheduler_cmd,
    "compliance": compliance_cmd,
    "alerts": alerts,
    "serve": serve_cmd,
    "users": users_group,
    "demo": demo_cmd,
}


@click.group(commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """年报监察 Nianbao Watch — 政府信息公开工作年度报告的检索与合规监测。

    Search and compliance monitoring of Chinese government information-disclosure annual reports.
    """


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="nianbao", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中止 / aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except NianbaoError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
