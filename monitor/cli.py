"""`nianbao compliance` and `nianbao alerts run|digest`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import click
from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import UsageError
from nianbao.settings import Settings, get_settings

from . import alerts as mod
from .compliance import evaluate

CSV_COLUMNS = ("id", "name", "province", "city", "county", "level", "status", "deadline", "published",
               "published_shown", "first_seen", "days_late", "date_source", "url", "findings")


def _session(settings: Settings) -> Session:
    engine = make_engine(settings.database_url)
    init_db(engine)
    return make_session_factory(engine)()


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"日期格式应为 YYYY-MM-DD / bad date: {value!r}") from None


def _csv(report: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for p in report["publishers"]:
        w.writerow([";".join(f["code"] for f in p["findings"]) if c == "findings" else
                    ("" if p.get(c) is None else p.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()


def _table(report: dict) -> str:
    c = report["counts"]
    lines = [f"{report['year']} 年度 · 按期 {c['on_time']} · 逾期 {c['late']} · 未发布 {c['missing']} · "
             f"未到期 {c['not_due']} · 无法判断 {c['unknown']}"]
    for p in report["publishers"]:
        late = f"逾期 {p['days_late']} 天" if p["days_late"] else ""
        codes = ",".join(f["code"] for f in p["findings"])
        lines.append(f"{p['status']:8} {p['deadline']}  {p['published'] or '-':10}  {late:10} {p['name']}  {codes}")
    return "\n".join(lines)


@click.command("compliance")
@click.option("--year", type=int, required=True, help="报告年度 / report year")
@click.option("--province")
@click.option("--city")
@click.option("--county")
@click.option("--today", help="按此日期判断 / evaluate as of YYYY-MM-DD (default: today)")
@click.option("--csv", "as_csv", is_flag=True, help="CSV 输出")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出（同 /api/compliance）")
def compliance_cmd(year: int, province: str | None, city: str | None, county: str | None,
                   today: str | None, as_csv: bool, as_json: bool) -> None:
    """各单位年度报告按期发布情况 / compliance per publisher for a report year."""
    settings = get_settings()
    with _session(settings) as session:
        report = evaluate(session, year, _date(today) or clock.today(settings), province, city, county)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(_csv(report), nl=False)
    else:
        click.echo(_table(report))


@click.group("alerts")
def alerts() -> None:
    """提醒：计算事件并投递 / compute alert events and deliver them."""


@alerts.command("run")
@click.option("--today", help="按此日期运行 / run as of YYYY-MM-DD")
def run_cmd(today: str | None) -> None:
    """计算新事件并发送即时提醒 / one scheduler tick (idempotent)."""
    click.echo(json.dumps(mod.run(get_settings(), _date(today)).to_dict(), ensure_ascii=False))


@alerts.command("digest")
@click.option("--today", help="按此日期运行 / run as of YYYY-MM-DD")
def digest_cmd(today: str | None) -> None:
    """发送每日摘要 / send the daily digests (and everything immediate)."""
    click.echo(json.dumps(mod.digest(get_settings(), _date(today)).to_dict(), ensure_ascii=False))
