"""`nianbao demo`: the whole product on a simulated world, with one command.

Starts (or reuses) the local Elasticsearch, serves the simulated government web with its clock
set after this year's deadline, crawls it, indexes, evaluates compliance and alerts, and serves
the portal. Ctrl-C stops every process it started. A second run with the same world reuses the
crawl and is up in seconds.
"""

from __future__ import annotations

import json
import os
import signal
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml

from . import es_server
from .db import require_current
from .errors import NianbaoError
from .settings import get_settings

DEMO_DIR = "var/demo"
SIM_PORT = 8800


def _configure(data_dir: Path, es_url: str, registry: Path) -> None:
    """Point every component at the demo's data dir, registry and Elasticsearch."""
    os.environ["NIANBAO_DATA_DIR"] = str(data_dir)
    # The simulated sites are local: a shorter per-host delay keeps the first crawl short.
    os.environ.setdefault("NIANBAO_CRAWL_DELAY_SECONDS", "0.2")
    os.environ["NIANBAO_ES_URL"] = es_url
    os.environ["NIANBAO_REGISTRY_FILE"] = str(registry.resolve())  # absolute: wins over config_dir
    get_settings.cache_clear()


def _world_key(seed: int, size: str, today: date, year: int) -> dict[str, Any]:
    return {"seed": seed, "size": size, "date": today.isoformat(), "year": year}


def _crawl(settings: Any, registry_path: Path) -> None:
    from tqdm import tqdm

    from crawler.cli import print_summary
    from crawler.engine import run_crawl
    from crawler.registry import load_registry

    registry = load_registry(registry_path)
    bar = tqdm(total=0, unit="报告", desc="抓取 crawl", leave=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        summary = run_crawl(settings, registry, None, progress)
    finally:
        bar.close()
    print_summary(summary)


def _index_and_monitor(settings: Any, today: date) -> None:
    from tqdm import tqdm

    from indexer.pipeline import rebuild_if_outdated, run_once

    out = rebuild_if_outdated(settings)  # data of an earlier demo, indexed by an older version
    if out:
        click.echo(f"索引已按新映射从存档重建 / index rebuilt from the archive for the new mapping: "
                   f"{out['indexed']} → {out['index']}")
    bar = tqdm(total=None, unit="报告", desc="索引 index", leave=True)

    def progress(stats: Any) -> None:
        bar.n = stats.indexed + stats.failed + stats.removed
        bar.refresh()

    try:
        stats = run_once(settings, progress=progress)
    finally:
        bar.close()
    click.echo(f"索引 indexed: {stats.indexed}, 失败 failed: {stats.failed}, "
               f"撤下 removed: {stats.removed}")
    try:
        from monitor.alerts import run as run_alerts

        res = run_alerts(settings, today)
        click.echo(f"监测 monitor: {res.events} 个事件 events, {res.sent} 条提醒已发送 alerts sent")
    except NianbaoError as exc:  # alerts are optional in the demo (no SMTP needed)
        click.echo(f"监测 monitor: {exc}", err=True)


def _examples(registry_path: Path, year: int) -> list[str]:
    rows = yaml.safe_load(registry_path.read_text(encoding="utf-8"))["publishers"]
    county = rows[0].get("county") or ""
    return [
        f'"行政复议" appeals.review.corrected>=1 year:{year}',
        f"finding:T3_BALANCE year:{year}",
        f"county:{county} applications.new.total>0",
    ]


@click.command("demo")
@click.option("--year", type=int, default=None,
              help="报告年度（默认去年）/ report year (default: last year)")
@click.option("--date", "when", default=None,
              help="模拟世界的日期（默认今天）/ the simulated world's date (default: today)")
@click.option("--size", default="demo", show_default=True, type=click.Choice(["tiny", "demo"]),
              help="模拟世界规模 / size of the simulated world")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--no-crawl", is_flag=True, help="不抓取，直接提供已有数据 / serve what is there")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--sim-port", default=SIM_PORT, show_default=True, type=int,
              help="模拟网站端口（0 = 每站随机）/ simulated sites' port (0: a free one each)")
def demo_cmd(year: int | None, when: str | None, size: str, seed: int, no_crawl: bool,
             host: str, port: int, sim_port: int) -> None:
    """一条命令体验全部功能 / the whole product on a simulated world."""
    from simweb.server import SimWeb

    # `kill` / a closed terminal stops the demo like Ctrl-C: the finally block cleans up.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    today = date.fromisoformat(when) if when else date.today()
    year = year or today.year - 1
    base = get_settings()
    data_dir = (base.data_path / "demo") if not os.environ.get("NIANBAO_DATA_DIR") else base.data_path
    data_dir.mkdir(parents=True, exist_ok=True)
    # An earlier demo's database at an older schema: say so before starting anything.
    require_current(base.model_copy(update={"data_dir": data_dir}).database_url)

    started_es = False
    es_url = base.es_url
    if not es_url:
        started_es = not es_server.status(base)["running"]
        es_url = es_server.start(base)
    web = None
    try:
        click.echo(f"模拟政府网站 simulated web: seed={seed} size={size} date={today} year={year}")
        try:
            web = SimWeb(seed=seed, size=size, date=today, port=sim_port, last_year=year).start()
        except OSError as exc:
            raise NianbaoError(f"模拟网站无法监听端口 {sim_port} / cannot bind: {exc}") from None
        registry_path = data_dir / "config" / "publishers.yaml"
        registry_path.parent.mkdir(parents=True, exist_ok=True)
        registry_path.write_text(
            yaml.safe_dump({"publishers": web.registry_rows()}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        _configure(data_dir, es_url, registry_path)
        settings = get_settings()

        marker = data_dir / "world.json"
        key = _world_key(seed, size, today, year) | {"hosts": web.hosts}
        crawled = marker.exists() and json.loads(marker.read_text()) == key
        if not no_crawl and not crawled:
            _crawl(settings, registry_path)
            marker.write_text(json.dumps(key))
        _index_and_monitor(settings, today)
        _serve(settings, host, port, registry_path, year)
    finally:
        if web is not None:
            web.stop()
        if started_es:
            es_server.stop(base)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _serve(settings: Any, host: str, port: int, registry_path: Path, year: int) -> None:
    from waitress import serve

    from web import create_app

    app = create_app()
    url = f"http://{host}:{port}"
    click.echo("")
    click.echo(f"门户已启动 portal: {url}/")
    click.echo(f"合规看板 dashboard: {url}/compliance?year={year}")
    click.echo("示例检索 example searches:")
    for q in _examples(registry_path, year):
        click.echo(f"  {url}/search?q={urllib.parse.quote(q)}    ({q})")
    click.echo("按 Ctrl-C 停止 / press Ctrl-C to stop")
    try:
        serve(app, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        pass
