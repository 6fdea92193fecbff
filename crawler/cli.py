"""`nianbao crawl`, `nianbao registry import|check`."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from nianbao.errors import ConfigError, UsageError
from nianbao.settings import get_settings

from .engine import CrawlSummary, run_crawl
from .probe import probe
from .registry import Publisher, from_divisions, load_csv, load_registry, load_schedule, write_yaml


def _registry_path(path: str | None) -> Path:
    return Path(path) if path else get_settings().registry_path


def print_summary(summary: CrawlSummary) -> None:
    click.echo(f"抓取完成 / crawl {summary.run_id} finished")
    head = f"{'host':<24}{'fetched':>8}{'304':>6}{'new':>6}{'changed':>8}{'removed':>8}{'errors':>7}"
    click.echo(head)
    for host, h in sorted(summary.hosts.items()):
        line = (f"{host:<24}{h.fetched:>8}{h.not_modified:>6}{h.new:>6}{h.changed:>8}"
                f"{h.removed:>8}{h.errors:>7}")
        click.echo(line + (f"  已被拦截 / blocked: {h.blocked}" if h.blocked else ""))
    click.echo(f"{'合计 / total':<22}{summary.total('fetched'):>8}{summary.total('not_modified'):>6}"
               f"{summary.total('new'):>6}{summary.total('changed'):>8}{summary.total('removed'):>8}"
               f"{summary.total('errors'):>7}")
    if summary.unmatched:
        click.echo(f"未匹配到发布机构的报告 / unmatched reports: {summary.unmatched}")


@click.command("crawl")
@click.option("--publisher", "publishers", multiple=True, help="只抓取该发布机构 / only this publisher id")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False), help="登记表 YAML/CSV")
@click.option("--quiet", is_flag=True, help="不显示进度条 / no progress bar")
def crawl_cmd(publishers: tuple[str, ...], registry_file: str | None, quiet: bool) -> None:
    """抓取一次 / crawl once: list pages, reports, attachments; then a summary per host."""
    settings = get_settings()
    registry = load_registry(_registry_path(registry_file))
    bar = tqdm(total=0, unit="报告", desc="抓取", disable=quiet or None, leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        summary = run_crawl(settings, registry, set(publishers) or None, progress)
    finally:
        bar.close()
    print_summary(summary)


@click.group("registry")
def registry() -> None:
    """发布机构登记表 / the publisher registry."""


@registry.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False),
              help="写入的登记表 / registry YAML to write (default: config/publishers.yaml)")
@click.option("--replace", is_flag=True, help="替换而非合并 / replace instead of merging")
def import_cmd(csv_file: str, registry_file: str | None, replace: bool) -> None:
    """从 CSV 导入（逐行校验）/ import a CSV (validated; a bad row stops the import)."""
    _merge_into(_registry_path(registry_file), load_csv(Path(csv_file)), replace)


def _merge_into(target: Path, rows: list[Publisher], replace: bool) -> None:
    merged: dict[str, Publisher] = {}
    if target.exists() and not replace:
        merged = {p.id: p for p in load_registry(target)}
    added = sum(1 for p in rows if p.id not in merged)
    merged.update({p.id: p for p in rows})
    target.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(target, list(merged.values()), load_schedule(target) if target.exists() else None)
    click.echo(f"已导入 {len(rows)} 行（新增 {added}）→ {target} / imported {len(rows)} rows ({added} new)")


@registry.command("seed")
@click.option("--province")
@click.option("--city")
@click.option("--county")
@click.option("--entry-url-template", required=True,
              help="入口网址模板 / e.g. 'https://www.example.gov.cn/{code6}/xxgk/ndbg/index.html'")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False))
@click.option("--all", "everything", is_flag=True, help="全国 / every county (tens of thousands of rows)")
def seed_cmd(province: str | None, city: str | None, county: str | None, entry_url_template: str,
             registry_file: str | None, everything: bool) -> None:
    """从行政区划数据生成 / seed publishers from the division dataset (real names and codes)."""
    if not (province or city or county or everything):
        raise UsageError("请指定 --province/--city/--county 或 --all / choose a region or --all")
    try:
        rows = from_divisions(entry_url_template, province, city, county)
    except (KeyError, IndexError, ValueError) as exc:  # ValueError covers pydantic's errors
        reason = str(exc).splitlines()[-2 if "validation error" in str(exc) else 0].strip()
        raise UsageError(f"入口网址模板无效 / bad --entry-url-template: {reason}") from None
    if not rows:
        raise UsageError("没有匹配的行政区 / no division matches")
    _merge_into(_registry_path(registry_file), rows, replace=False)


@registry.command("check")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False))
@click.option("--reach", is_flag=True,
              help="逐个访问入口栏目并识别站点类型 / fetch each entry column and detect its CMS family")
def check_cmd(registry_file: str | None, reach: bool) -> None:
    """校验登记表 / validate the registry and print counts (--reach: is each column reachable)."""
    path = _registry_path(registry_file)
    pubs = load_registry(path)
    if not pubs:
        raise ConfigError(f"{path}: 登记表为空 / registry is empty")
    levels: dict[str, int] = {}
    for p in pubs:
        levels[p.level] = levels.get(p.level, 0) + 1
    hosts = {p.entry_url.split("/")[2] for p in pubs}
    click.echo(f"登记表有效 / registry OK: {len(pubs)} 个发布机构, {len(hosts)} 个站点 / sites; "
               + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    if reach:
        _print_probes(pubs)


def _print_probes(pubs: list[Publisher]) -> None:
    results = probe(get_settings(), pubs)
    bad = 0
    for r in results:
        note = "" if r.verified is not False else "  未核实 / unverified"
        if r.declared and r.family and r.declared != r.family:
            note += f"  登记为 / declared {r.declared}"
        if r.reachable:
            click.echo(f"可访问 / reachable    {r.family:<9}{r.entry_url}  ({r.publishers}){note}")
        else:
            bad += 1
            click.echo(f"不可访问 / UNREACHABLE  {r.entry_url}  ({r.publishers}): {r.error}{note}")
    click.echo(f"入口 / entries: {len(results)}, 不可访问 / unreachable: {bad}")
