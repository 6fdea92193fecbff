"""`nianbao demo`: the whole product on a simulated world, with one command.

Starts (or reuses) the local Elasticsearch, serves the simulated government web with its clock
a few days before this year's deadline, crawls it (once at an earlier date too, so that reports
edited since have two versions), indexes, evaluates compliance and alerts, and serves the
portal with a local mail catcher (its mailbox page is /demo/mailbox), an administrator and a
reviewer account (random passwords, printed), and a world clock that moves `--days` days every
`--tick` seconds (or on request from the admin page), each move followed by crawl → index →
alerts: new, late and missing reports and their alerts arrive while one watches. Ctrl-C stops
every process it started. A second run with the same world reuses the crawl, resumes at the
date the clock had reached, and is up in seconds.
"""

from __future__ import annotations

import json
import secrets
import signal
import urllib.parse
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml
from tqdm import tqdm
from waitress import serve

from crawler.cli import print_summary
from crawler.engine import run_crawl
from crawler.registry import load_registry
from indexer.warmup import warm_configured
from nianbao import clock, es_server
from nianbao.db import require_current
from nianbao.errors import NianbaoError
from nianbao.settings import Settings, get_settings
from simweb.server import SimWeb
from web.users import save_user_in

from .demo_live import MailCatcher, WorldClock
from .pipeline import PipelineRun, run_pipeline
from .portal import create_portal

SIM_PORT = 8800
REVIEWER = "reviewer"


def demo_settings(base: Settings, data_dir: Path, es_url: str, registry: Path, *, smtp_port: int,
                  base_url: str, admin_password: str | None = None) -> Settings:
    """The demo's settings: `base` pointed at the demo's data dir, registry, Elasticsearch and
    mail catcher. Everything the demo runs is given this object (the environment is not
    touched: a child process gets its own env= from whoever starts it)."""
    update: dict[str, Any] = {
        "data_dir": data_dir, "es_url": es_url,
        "registry_file": str(registry.resolve()),  # absolute: wins over config_dir
        # Mail goes to the demo's own catcher (shown at /demo/mailbox), never to a real relay.
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_user": "", "base_url": base_url}
    if "crawl_delay_seconds" not in Settings.from_environment():
        # The simulated sites are local: a shorter per-host delay keeps the first crawl short.
        update["crawl_delay_seconds"] = 0.2
    if admin_password:
        update["admin_password"] = admin_password
    return base.model_copy(update=update)


def _world_key(seed: int, size: str, today: date, year: int) -> dict[str, Any]:
    return {"seed": seed, "size": size, "date": today.isoformat(), "year": year}


def _set_world_date(web: Any, when: date) -> None:
    """The simulated web and the clock (nianbao.clock) on `when` (the time of day stays real)."""
    web.set_date(when)
    clock.set_date(when)


def history_date(world: Any, start: date) -> date | None:
    """A date before `start` on which most reports edited by `start` were already published
    but not yet edited: a crawl then and one at `start` gives them two versions."""
    edited = [d for i in range(len(world.site_counties)) for d in world.docs(i)
              if d.kind == "report" and d.registered and d.edited and d.edited.date() <= start
              and (d.removed is None or d.removed > start)]

    def caught(day: date) -> int:
        return sum(1 for d in edited if d.published.date() <= day < d.edited.date())

    days = sorted({d.published.date() for d in edited if d.published.date() < start})
    best = max(days, key=lambda day: (caught(day), day), default=None)
    return best if best is not None and caught(best) else None


class _Bars:
    """Progress bars for the crawl and the index, each opened on its first report."""

    def __init__(self, crawl_label: str = "抓取 crawl") -> None:
        self.crawl_label = crawl_label
        self.bars: dict[str, Any] = {}

    def _bar(self, name: str, desc: str) -> Any:
        if name not in self.bars:
            self.bars[name] = tqdm(total=None, unit="报告", desc=desc, leave=True)
        return self.bars[name]

    def crawl(self, done: int, total: int) -> None:
        bar = self._bar("crawl", self.crawl_label)
        bar.total, bar.n = total, done
        bar.refresh()

    def index(self, stats: Any) -> None:
        if "crawl" in self.bars:  # the crawl is over once indexing reports
            self.bars["crawl"].close()
        bar = self._bar("index", "索引 index")
        bar.n = stats.indexed + stats.failed + stats.removed
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _history_crawl(settings: Settings, registry_path: Path, label: str) -> None:
    """A crawl only (no index, no alerts): the first visit at an earlier date."""
    bars = _Bars(label)
    try:
        summary = run_crawl(settings, load_registry(registry_path), None, bars.crawl)
    finally:
        bars.close()
    print_summary(summary)


def _first_run(settings: Settings, registry_path: Path, today: date, *, crawl: bool) -> None:
    """The pipeline once before the portal opens (crawl only when the world is new), echoed."""
    bars = _Bars(f"抓取 crawl {today}")
    try:
        # isolate: alerts are optional in the demo (no SMTP needed); a failure is shown
        run = run_pipeline(settings, load_registry(registry_path), today=today, crawl=crawl,
                           isolate=True, crawl_progress=bars.crawl, index_progress=bars.index)
    finally:
        bars.close()
    _echo_run(run)


def _echo_run(run: PipelineRun) -> None:
    if run.crawl is not None:
        print_summary(run.crawl)
    if run.rebuilt:  # data of an earlier demo, indexed by an older version
        click.echo(f"索引已按新映射从存档重建 / index rebuilt from the archive for the new mapping: "
                   f"{run.rebuilt['indexed']} → {run.rebuilt['index']}")
    if run.index is not None:
        click.echo(f"索引 indexed: {run.index.indexed}, 失败 failed: {run.index.failed}, "
                   f"撤下 removed: {run.index.removed}")
    if run.monitor is not None:
        click.echo(f"监测 monitor: {run.monitor.events} 个事件 events, {run.monitor.sent} 条提醒已发送 alerts sent")
    for stage, error in run.failed.items():
        click.echo(f"{stage}: {error}", err=True)


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
              help="模拟世界开始的日期（默认：报告年度次年 1 月 29 日，即乡镇期限前两天；若今天更早则为今天）"
                   " / the simulated world's start date (default: January 29 after the report year, "
                   "two days before the townships' deadline, or today if earlier)")
@click.option("--days", default=2, show_default=True, type=click.IntRange(0, 366),
              help="每个周期世界时钟前进的天数（0 = 不动，只在管理页面上按需前进）/ days the world "
                   "clock moves each tick (0: only on request, from the admin page)")
@click.option("--tick", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="演示周期（秒）：时钟前进，然后抓取、索引、发送提醒 / seconds between ticks: the "
                   "clock moves, then crawl, index and alerts run")
@click.option("--size", default="demo", show_default=True, type=click.Choice(["tiny", "demo"]),
              help="模拟世界规模 / size of the simulated world")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--no-crawl", is_flag=True, help="不抓取，直接提供已有数据 / serve what is there")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--sim-port", default=SIM_PORT, show_default=True, type=int,
              help="模拟网站端口（0 = 每站随机）/ simulated sites' port (0: a free one each)")
def demo_cmd(year: int | None, when: str | None, days: int, tick: float, size: str, seed: int,
             no_crawl: bool, host: str, port: int, sim_port: int) -> None:
    """一条命令体验全部功能 / the whole product on a simulated world."""
    # `kill` / a closed terminal stops the demo like Ctrl-C: the finally block cleans up.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    real_today = clock.today()
    year = year or (date.fromisoformat(when).year if when else real_today.year) - 1
    # Two days before the townships' deadline: the second move of the clock passes it, so a
    # compliance subscription made at once gets its first alert within two minutes.
    start = date.fromisoformat(when) if when else min(real_today, date(year + 1, 1, 29))
    base = get_settings()
    # the demo's own data dir, unless the environment names one
    data_dir = base.data_path if "data_dir" in Settings.from_environment() else base.data_path / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)
    # An earlier demo's database at an older schema: say so before starting anything.
    require_current(base.model_copy(update={"data_dir": data_dir}).database_url)

    started_es = False
    es_url = base.es_url
    if not es_url:
        started_es = not es_server.status(base)["running"]
        es_url = es_server.start(base)
    web = None
    mail = MailCatcher()
    try:
        mail.start()
        click.echo(f"模拟政府网站 simulated web: seed={seed} size={size} date={start} year={year}")
        try:
            web = SimWeb(seed=seed, size=size, date=start, port=sim_port, last_year=year).start()
        except OSError as exc:
            raise NianbaoError(f"模拟网站无法监听端口 {sim_port} / cannot bind: {exc}") from None
        registry_path = data_dir / "config" / "publishers.yaml"
        registry_path.parent.mkdir(parents=True, exist_ok=True)
        registry_path.write_text(
            yaml.safe_dump({"publishers": web.registry_rows()}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        # The administrator (unless configured) and a reviewer: random passwords, printed below.
        admin_password = None if base.admin_password else secrets.token_urlsafe(12)
        settings = demo_settings(base, data_dir, es_url, registry_path, smtp_port=mail.port,
                                 base_url=f"http://{host}:{port}", admin_password=admin_password)

        marker = data_dir / "world.json"
        clock_file = data_dir / "clock.json"
        key = _world_key(seed, size, start, year) | {"hosts": web.hosts}
        crawled = marker.exists() and json.loads(marker.read_text()) == key
        today = start
        if crawled and clock_file.exists():  # resume where the clock of the last run stopped
            today = max(start, date.fromisoformat(json.loads(clock_file.read_text())["today"]))
        crawl = not no_crawl and not crawled  # a new world: today is its start
        if crawl and (earlier := history_date(web.world, start)):
            _set_world_date(web, earlier)
            click.echo(f"先在 {earlier} 抓取一次（之后修改过的报告因此有两个版本）/ a first visit on "
                       f"{earlier}, so reports edited since have two versions")
            _history_crawl(settings, registry_path, f"抓取 crawl {earlier}")
        _set_world_date(web, today)
        _first_run(settings, registry_path, today, crawl=crawl)
        if crawl:
            marker.write_text(json.dumps(key))
        clock_file.write_text(json.dumps({"today": today.isoformat()}))
        reviewer_password = save_user_in(settings.database_url, REVIEWER, "reviewer")
        _serve(settings, host, port, registry_path, year, web=web, mail=mail, today=today,
               days=days, tick=tick, clock_file=clock_file,
               logins={"admin": admin_password, REVIEWER: reviewer_password})
    finally:
        mail.stop()
        if web is not None:
            web.stop()
        if started_es:
            es_server.stop(base)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _tick_pipeline(settings: Settings, registry_path: Path, app: Any, clock_file: Path) -> Any:
    """What each tick of the demo clock runs: crawl and index when the date moved, then alerts."""

    def run(today: date, moved: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        try:
            done = run_pipeline(settings, load_registry(registry_path), today=today, crawl=moved)
            if done.crawl is not None:
                counts = done.crawl_counts()
                out.update(new=counts["new"], changed=counts["changed"], removed=counts["removed"])
            if done.monitor is not None:
                out.update(events=done.monitor.events, sent=done.monitor.sent,
                           failed=done.monitor.failed)
        finally:
            app.config["NIANBAO_TODAY"] = today.isoformat()
            app.extensions["nianbao"]["compliance"] = {}
            clock_file.write_text(json.dumps({"today": today.isoformat()}))
        return out

    return run


def _serve(settings: Settings, host: str, port: int, registry_path: Path, year: int, *, web: Any,
           mail: Any, today: date, days: int, tick: float, clock_file: Path,
           logins: dict[str, str | None]) -> None:
    click.echo(f"预热 warm-up: {warm_configured(settings)}")

    app = create_portal({"NIANBAO_SETTINGS": settings, "NIANBAO_TODAY": today.isoformat(),
                      "NIANBAO_DEMO": {"tick": int(tick) if tick == int(tick) else tick, "days": days}})
    world_clock = WorldClock(today, set_date=lambda d: _set_world_date(web, d),
                             pipeline=_tick_pipeline(settings, registry_path, app, clock_file),
                             tick=tick, days=days, until=date(year + 1, 6, 30),
                             echo=lambda line: click.echo(line))
    app.extensions["nianbao"].update(demo_mail=mail, demo_clock=world_clock)
    url = f"http://{host}:{port}"
    click.echo("")
    click.echo(f"门户已启动 portal: {url}/")
    click.echo(f"合规看板 dashboard: {url}/compliance?year={year}")
    click.echo(f"本地邮箱 mailbox (演示用邮件都在这里 / every mail the demo sends): {url}/demo/mailbox")
    click.echo(f"订阅提醒 subscribe: {url}/subscriptions/new")
    for user, password in logins.items():
        if password:
            role = "管理员 admin" if user == "admin" else "审核员 reviewer"
            click.echo(f"{role} 登录 login: {url}/login  用户名 user: {user}  密码 password: {password}")
    if days:
        click.echo(f"世界时钟 world clock: {today}，每 {tick:g} 秒前进 {days} 天 / moves {days} day(s) "
                   f"every {tick:g} s; 管理页面可立即前进 / advance now on {url}/admin")
    else:
        click.echo(f"世界时钟 world clock: {today}（不自动前进 / moves only on request: {url}/admin）")
    click.echo("示例检索 example searches:")
    for q in _examples(registry_path, year):
        click.echo(f"  {url}/search?q={urllib.parse.quote(q)}    ({q})")
    click.echo("按 Ctrl-C 停止 / press Ctrl-C to stop")
    world_clock.start()
    try:
        serve(app, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        world_clock.stop()
