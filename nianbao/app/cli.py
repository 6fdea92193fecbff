"""The `nianbao` command (the console entry point, pyproject.toml [project.scripts]): on the top
floor, since its command table names every floor's commands. Subcommands live in their own
packages and load lazily."""

from __future__ import annotations

import importlib
import sys

import click

from nianbao import __version__
from nianbao.errors import NianbaoError

# name -> "module:attribute" of a click command. A package adds its command here.
COMMANDS: dict[str, str] = {
    "es": "nianbao.app.es:es",
    "db": "nianbao.cli_db:db_group",
    "pg": "nianbao.cli_db:pg_group",
    "parse": "indexer.parse.cli:parse_cmd",
    "index": "indexer.cli:index_cmd",
    "search": "indexer.cli:search_cmd",
    "simweb": "simweb.cli:simweb",
    "crawl": "crawler.cli:crawl_cmd",
    "registry": "crawler.cli:registry",
    "scheduler": "nianbao.app.scheduler:scheduler_cmd",
    "compliance": "monitor.cli:compliance_cmd",
    "alerts": "monitor.cli:alerts",
    "serve": "nianbao.app.portal:serve_cmd",
    "users": "web.cli:users_group",
    "demo": "nianbao.app.demo:demo_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError) as exc:
                # A package not built yet shows up as such, not as a traceback.
                return _unavailable(name, exc)
        return super().get_command(ctx, name)


def _unavailable(name: str, exc: Exception) -> click.Command:
    @click.command(name, help=f"(unavailable: {exc})", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1)
    def cmd(args: tuple[str, ...]) -> None:
        raise NianbaoError(f"command '{name}' is unavailable: {exc}")

    return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
