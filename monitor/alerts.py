"""The alert run: events -> outbox -> delivery. Safe to run again at any time (idempotent)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from nianbao import clock
from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import ServiceUnavailable, UsageError
from nianbao.es import es_client
from nianbao.settings import Settings, get_settings

from . import delivery, docfindings, events, fanout, snapshot

log = logging.getLogger(__name__)


@dataclass
class RunStats:
    events: int = 0
    outbox: int = 0
    sent: int = 0
    failed: int = 0
    paused: int = 0
    items: int = 0
    es: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def _session(settings: Settings) -> Session:
    engine = make_engine(settings.database_url)
    init_db(engine)
    return make_session_factory(engine)()


def _es(settings: Settings) -> Elasticsearch | None:
    try:
        es = es_client(settings)
        es.cluster.health(timeout="5s")
        return es
    except Exception as exc:  # no ES: compliance alerts still go out, document events wait
        log.warning("Elasticsearch unavailable, document events postponed: %s", exc)
        return None


def collect(session: Session, settings: Settings, today: date, now: datetime, es: Elasticsearch | None = None) -> tuple[int, int, bool]:
    """Compute fresh events and their outbox rows; returns (events, outbox rows, es used)."""
    reports: dict[int, dict] = {}  # compliance per year, shared with the findings write-back
    evs = events.compliance_events(session, today, now, settings.grace_days, reports=reports)
    docs = []
    if es is not None:
        docs = events.queue_events(session, now, es, settings.es_index_prefix)
        # before the commit: a crash here re-reads the batch on the next run (writes are idempotent)
        docfindings.write_back(session, es, settings.es_index_prefix, docs, today, settings.grace_days, reports)
    n = fanout.fan_out(session, es, settings.es_index_prefix, evs, docs, now)
    session.commit()
    return len(evs) + len(docs), n, es is not None


def run(settings: Settings, today: date | None = None, *, now: datetime | None = None, es: Elasticsearch | None = None,
        daily: bool = False, session: Session | None = None) -> RunStats:
    """One scheduler tick: events for `today` (default: now), then send what is due.
    `daily=True` also sends the daily digests."""
    now = now or clock.system_now().replace(microsecond=0)  # naive, the server's clock: as stored
    if today is None:  # the configured zone's day (a server on UTC is not a day behind)
        today = clock.today(settings)
    elif today != now.date():  # a simulated day (the demo's clock, tests): its events on it
        now = datetime.combine(today, now.time())
    own = session is None
    session = session or _session(settings)
    try:
        es = es if es is not None else _es(settings)
        n_events, n_outbox, used_es = collect(session, settings, today, now, es)
        stats = RunStats(events=n_events, outbox=n_outbox, es=used_es)
        # The dashboard first: an alert's reader who follows its link sees what it reports.
        refresh_snapshots(session, settings, today, es)
        try:
            for is_daily in (False, True) if daily else (False,):
                d = delivery.deliver(session, settings, now, daily=is_daily)
                stats.sent += d.sent
                stats.failed += d.failed
                stats.paused += d.paused
                stats.items += d.items
        except Exception:  # each delivery records its own failure; this is a bug's last net
            session.rollback()
            log.exception("alert delivery stopped")
        return stats
    finally:
        if own:
            session.close()


def refresh_snapshots(session: Session, settings: Settings, today: date, es: Elasticsearch | None = None) -> None:
    """The dashboard's stored compliance (monitor.snapshot) for the current and previous
    report year; a failure here is logged, never fatal to the alert run."""
    for year in (today.year - 1, today.year - 2):
        try:
            snapshot.refresh(settings, year, today, session=session, es=es)
        except Exception:
            session.rollback()
            log.exception("compliance snapshot %s failed", year)


def digest(settings: Settings, today: date | None = None, **kw: Any) -> RunStats:
    return run(settings, today, daily=True, **kw)


DIGEST_JOB = "monitor-digest"  # not "nianbao-…": the crawler prunes those that left its config


def digest_time(settings: Settings) -> tuple[int, int]:
    """When the daily digest goes out (Beijing time): settings digest_hour/digest_minute.
    Checked here, when the job is scheduled, so a bad value names the setting."""
    for name, value, top in (("hour", settings.digest_hour, 23),
                             ("minute", settings.digest_minute, 59)):
        if not 0 <= value <= top:
            raise UsageError(f"每日摘要时间设置无效：digest_{name}={value!r}（应为 0–{top}）")
    return settings.digest_hour, settings.digest_minute


def digest_job() -> dict:
    """The scheduled daily digest (job functions are stored by reference: no arguments)."""
    return digest(get_settings()).to_dict()


def schedule_jobs(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    """Add the monitor's jobs to an APScheduler 3 scheduler (crawler.scheduler calls this):
    the daily digest, every day at the configured hour, Beijing time. Returns the job ids."""
    hour, minute = digest_time(settings)
    scheduler.add_job("monitor.alerts:digest_job", CronTrigger(hour=hour, minute=minute, timezone=settings.timezone),
                      id=DIGEST_JOB, name="每日摘要 / daily digest", replace_existing=True)
    return [DIGEST_JOB]


__all__ = ["run", "digest", "schedule_jobs", "RunStats", "ServiceUnavailable"]
