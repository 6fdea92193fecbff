"""`nianbao scheduler`: the pipeline on the crawler's schedules, plus the monitor's own jobs
(the daily digest), in one APScheduler 3 with a persistent job store.

The crawler decides when (crawler.scheduler.plan: schedules from the registry file); this
module decides what runs then (nianbao.app.pipeline.run_pipeline), so no stage names another.
Jobs live in the state database (`apscheduler_jobs`), so a restarted scheduler keeps its next
run times, and a run missed while it was down is done once (coalesced) when it comes back.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from crawler.engine import CrawlLocked
from crawler.registry import load_registry, load_schedule
from crawler.scheduler import JOB_PREFIX, plan, prune_stale
from monitor import alerts
from nianbao.db import make_engine, require_current
from nianbao.settings import Settings, get_settings

from .pipeline import run_pipeline

log = logging.getLogger("nianbao.scheduler")
JOB_FUNC = "nianbao.app.scheduler:pipeline_job"  # stored by reference in the job store


def pipeline_job(registry_path: str, only: list[str] | None = None,
                 exclude: list[str] | None = None) -> dict[str, Any]:
    """One scheduled run; a failing index or monitor stage is reported, not raised."""
    settings = get_settings()
    pubs = load_registry(registry_path)
    chosen = {p.id for p in pubs if (only is None or p.id in only) and p.id not in set(exclude or ())}
    try:
        run = run_pipeline(settings, pubs, chosen, isolate=True)
    except CrawlLocked as exc:  # the previous run still going: skip, do not pile up
        log.warning("%s", exc)
        return {"skipped": str(exc)}
    result: dict[str, Any] = {"crawl": run.crawl_counts()}
    for stage, stats in (("index", run.index), ("monitor", run.monitor)):
        result[stage] = f"failed: {run.failed[stage]}" if stage in run.failed else str(stats)
    log.info("pipeline run: %s", result)
    return result


def build_scheduler(settings: Settings, registry_path: Path, *, run_now: bool = False,
                    blocking: bool = True) -> BaseScheduler:
    pubs = load_registry(registry_path)
    conf = load_schedule(registry_path)
    cls = BlockingScheduler if blocking else BackgroundScheduler
    sched = cls(jobstores={"default": SQLAlchemyJobStore(engine=make_engine(settings.database_url))},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
                timezone=settings.timezone)
    wanted = plan(pubs, conf, settings.timezone)
    for job_id, trigger, kwargs in wanted:
        sched.add_job(JOB_FUNC, trigger, id=job_id, name=job_id,
                      kwargs={"registry_path": str(registry_path), **kwargs}, replace_existing=True)
    if run_now:  # one immediate run of everything scheduled (not one per schedule)
        off = sorted(p.id for p in pubs if p.schedule == "off")
        sched.add_job(JOB_FUNC, id=f"{JOB_PREFIX}now", replace_existing=True,
                      kwargs={"registry_path": str(registry_path), "exclude": off})
    alerts.schedule_jobs(sched, settings)  # the monitor's own jobs (the daily digest)
    names = {j[0] for j in wanted}
    # Once the job store is open (on start), drop persisted jobs that left the config.
    sched.add_listener(lambda _ev: prune_stale(sched, names), EVENT_SCHEDULER_STARTED)
    return sched


@click.command("scheduler")
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False))
@click.option("--run-now", is_flag=True, help="启动时先运行一次 / run every job once at start")
def scheduler_cmd(registry_file: str | None, run_now: bool) -> None:
    """常驻调度：抓取 → 索引 → 监测 / run crawl → index → monitor on schedule, for good."""
    settings = get_settings()
    require_current(settings.database_url)  # an old schema: `nianbao db upgrade` first
    path = Path(registry_file) if registry_file else settings.registry_path
    sched = build_scheduler(settings, path, run_now=run_now)
    for job in sched.get_jobs():
        click.echo(f"计划 / job {job.id}: {job.trigger}")
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
