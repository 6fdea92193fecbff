"""When the pipeline runs: the crawl schedules, as APScheduler 3 cron triggers.

What runs then is the top floor's (nianbao.app.scheduler). Schedules come from the registry
file's `schedule:` block (daily in the busy months, Jan–Apr by default, weekly otherwise) and
per-publisher `schedule:` overrides (daily | weekly | hourly | off | cron:<crontab>), which get
a job of their own and leave the default jobs.
"""

from __future__ import annotations

from collections import defaultdict

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from .registry import Publisher

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


def prune_stale(sched: BaseScheduler, wanted: set[str]) -> list[str]:
    """Remove persisted schedule jobs whose schedule is no longer in the config."""
    gone = [j.id for j in sched.get_jobs() if j.id.startswith(JOB_PREFIX)
            and j.id not in wanted and j.id != f"{JOB_PREFIX}now"]
    for job_id in gone:
        sched.remove_job(job_id)
    return gone
