"""The scheduled pipeline: crawl → index → monitor, with APScheduler 3 and a persistent job store.

Schedules come from the registry file's `schedule:` block (daily in the busy months, Jan–Apr by
default, weekly otherwise) and per-publisher `schedule:` overrides (daily | weekly | hourly |
off | cron:<crontab>), which get a job of their own and leave the default jobs. Jobs live in the
state database (`apscheduler_jobs`), so a restarted scheduler keeps its next run times, and a
run missed while it was down is done once (coalesced) when it comes back.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from pathlib import Path

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor import alerts
from nianbao.db import make_engine
from nianbao.settings import Settings, get_settings

from .engine import CrawlLocked, run_crawl
from .registry import Publisher, load_registry, load_schedule

log = logging.getLogger("nianbao.scheduler")
JOB_PREFIX = "nianbao-"
DEFAULTS = {"busy_months": "1-4", "busy": "daily", "quiet": "weekly", "hour": 2, "minute": 0}


def _complement(months: str) -> str:
    busy: set[int] = set()
    for part in str(months).split(","):
        lo, _, hi = part.partition("-")
        busy.update(range(int(lo), int(hi or lo) + 1))
    return ",".join(str(m) for m in range(1, 13) if m not in busy) or "1-12"


def trigger_for(kind: str, conf: dict, tz: str, months: str | None = None) -> CronTrigger:
    hour, minute = int(conf["hour"]), int(conf["minute"])
    month = months or "*"
    if kind == "hourly":
        return CronTrigger(month=month, minute=minute, timezone=tz)
    if kind == "daily":
        return CronTrigger(month=month, hour=hour, minute=minute, timezone=tz)
    if kind == "weekly":
        return CronTrigger(month=month, day_of_week="mon", hour=hour, minute=minute, timezone=tz)
    if kind.startswith("cron:"):
        return CronTrigger.from_crontab(kind[5:].strip(), timezone=tz)
    raise ValueError(f"unknown schedule {kind!r}")


def plan(publishers: list[Publisher], conf: dict, tz: str) -> list[tuple[str, CronTrigger, dict]]:
    """(job id, trigger, job kwargs) for the default schedule and each override group."""
    conf = {**DEFAULTS, **conf}
    overrides: dict[str, list[str]] = defaultdict(list)
    for p in publishers:
        if p.schedule:
            overrides[p.schedule].append(p.id)
    excluded = sorted(i for ids in overrides.values() for i in ids)
    busy = str(conf["busy_months"])
    jobs = [
        (f"{JOB_PREFIX}busy", trigger_for(conf["busy"], conf, tz, busy), {"exclude": excluded}),
        (f"{JOB_PREFIX}quiet", trigger_for(conf["quiet"], conf, tz, _complement(busy)), {"exclude": excluded}),
    ]
    for kind, ids in sorted(overrides.items()):
        if kind != "off":
            slug = kind.replace(":", "-").replace(" ", "_").replace("*", "x")
            jobs.append((f"{JOB_PREFIX}{slug}", trigger_for(kind, conf, tz), {"only": sorted(ids)}))
    return jobs


def pipeline_job(registry_path: str, only: list[str] | None = None,
                 exclude: list[str] | None = None) -> dict:
    """One pipeline run: crawl, then the indexer and the monitor when they are installed."""
    settings = get_settings()
    pubs = load_registry(registry_path)
    chosen = {p.id for p in pubs if (only is None or p.id in only) and p.id not in set(exclude or ())}
    result: dict = {}
    try:
        summary = run_crawl(settings, pubs, chosen)
        result["crawl"] = {"new": summary.total("new"), "changed": summary.total("changed"),
                           "removed": summary.total("removed"), "errors": summary.total("errors")}
    except CrawlLocked as exc:  # the previous run still going: skip, do not pile up
        log.warning("%s", exc)
        return {"skipped": str(exc)}
    for stage, dotted in (("index", "indexer.pipeline:run_once"), ("monitor", "monitor.alerts:run")):
        result[stage] = _run_stage(dotted, settings)
    log.info("pipeline run: %s", result)
    return result


def _run_stage(dotted: str, settings: Settings) -> str:
    module, attr = dotted.split(":")
    try:
        fn = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        return f"unavailable: {exc}"
    try:
        return str(fn(settings))
    except Exception as exc:  # one failing stage must not stop the scheduler
        log.exception("%s failed", dotted)
        return f"failed: {exc}"


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
        sched.add_job("crawler.scheduler:pipeline_job", trigger, id=job_id, name=job_id,
                      kwargs={"registry_path": str(registry_path), **kwargs}, replace_existing=True)
    if run_now:  # one immediate run of everything scheduled (not one per schedule)
        off = sorted(p.id for p in pubs if p.schedule == "off")
        sched.add_job("crawler.scheduler:pipeline_job", id=f"{JOB_PREFIX}now", replace_existing=True,
                      kwargs={"registry_path": str(registry_path), "exclude": off})
    alerts.schedule_jobs(sched, settings)  # the monitor's own jobs (the daily digest)
    names = {j[0] for j in wanted}
    # Once the job store is open (on start), drop persisted jobs that left the config.
    sched.add_listener(lambda _ev: prune_stale(sched, names), EVENT_SCHEDULER_STARTED)
    return sched


def prune_stale(sched: BaseScheduler, wanted: set[str]) -> list[str]:
    """Remove persisted schedule jobs whose schedule is no longer in the config."""
    gone = [j.id for j in sched.get_jobs() if j.id.startswith(JOB_PREFIX)
            and j.id not in wanted and j.id != f"{JOB_PREFIX}now"]
    for job_id in gone:
        sched.remove_job(job_id)
    return gone
