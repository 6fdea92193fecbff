"""`nianbao simweb …`: serve the simulated web, move its clock, export its registry."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import click
import httpx
import yaml

from nianbao.errors import NianbaoError, UsageError

from .server import _parse_date, serve_forever
from .world import SIZES, World, default_base_url

DEFAULT_CONTROL = "http://127.0.0.1:8799"


def _date(text: str) -> date:
    try:
        return _parse_date(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@click.group("simweb")
def simweb() -> None:
    """模拟政府网站（测试、演示与基准用）。The simulated government web."""


@simweb.command("serve")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--size", default="demo", show_default=True, type=click.Choice(list(SIZES)))
@click.option("--date", "today", default="2025-02-15", show_default=True, help="世界时钟日期")
@click.option("--port", default=8800, show_default=True, type=int, help="各站点端口")
@click.option("--control-port", default=8799, show_default=True, type=int, help="控制接口端口")
@click.option("--max-sites", type=int, default=None, help="只启动前 N 个站点")
@click.option("--last-year", default=2024, show_default=True, type=int, help="最新的报告年度")
def serve_cmd(seed: int, size: str, today: str, port: int, control_port: int,
              max_sites: int | None, last_year: int) -> None:
    """启动模拟网站：每个县级门户一个回环地址 127.0.1.N。"""
    click.echo(f"模拟政府网站 seed={seed} size={size}")
    try:
        asyncio.run(serve_forever(seed, size, _date(today), port, control_port, max_sites,
                                  last_year))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise NianbaoError(f"无法监听端口：{exc}") from None


def _control(method: str, url: str, payload: dict | None = None) -> dict:
    try:
        resp = httpx.request(method, url, json=payload, timeout=10)
    except httpx.HTTPError as exc:
        raise NianbaoError(f"无法连接控制接口 {url}：{exc}") from None
    data = resp.json()
    if resp.status_code >= 400:
        raise NianbaoError(data.get("error", f"控制接口返回 {resp.status_code}"))
    return data


@simweb.command("clock")
@click.argument("when", required=False)
@click.option("--control", default=DEFAULT_CONTROL, show_default=True, help="控制接口地址")
def clock_cmd(when: str | None, control: str) -> None:
    """查看或设置世界时钟：nianbao simweb clock 2025-02-10"""
    if when:
        data = _control("POST", f"{control}/_sim/clock", {"date": _date(when).isoformat()})
    else:
        data = _control("GET", f"{control}/_sim/state")
    click.echo(f"世界日期：{data['date']}")


@simweb.command("fault")
@click.argument("kind")
@click.option("--control", default=DEFAULT_CONTROL, show_default=True)
@click.option("--site", type=int, default=None)
@click.option("--path", default="/", show_default=True)
@click.option("--status", type=int, default=503, show_default=True)
@click.option("--delay", type=float, default=2.0, show_default=True)
@click.option("--times", type=int, default=None)
def fault_cmd(kind: str, control: str, site: int | None, path: str, status: int, delay: float,
              times: int | None) -> None:
    """注入故障（error/slow/hang/redirect/truncate/charset/challenge/forbidden，clear 清除）。"""
    if kind == "clear":
        _control("DELETE", f"{control}/_sim/faults")
        click.echo("已清除全部故障")
        return
    spec = {"kind": kind, "site": site, "path": path, "status": status, "delay": delay,
            "times": times}
    data = _control("POST", f"{control}/_sim/faults", spec)
    click.echo(json.dumps(data["fault"], ensure_ascii=False))


@simweb.command("registry")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--size", default="demo", show_default=True, type=click.Choice(list(SIZES)))
@click.option("--port", default=8800, show_default=True, type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入 YAML 文件（默认输出到屏幕）")
@click.option("--last-year", default=2024, show_default=True, type=int, help="最新的报告年度")
def registry_cmd(seed: int, size: str, port: int, out: Path | None, last_year: int) -> None:
    """导出发布机关名册（config/publishers.yaml 格式）。"""
    world = World(seed, size, last_year=last_year)
    bases = [default_base_url(i, port) for i in range(len(world.site_counties))]
    text = yaml.safe_dump({"publishers": world.registry_rows(bases)}, allow_unicode=True,
                          sort_keys=False)
    if out is None:
        click.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {out}（{len(world.all_publishers())} 个发布机关）")
