"""The daily digest is a scheduler job: cron, every day at the configured hour, Beijing time,
registered by the crawler's scheduler and kept in its persistent job store."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor import alerts
from nianbao.errors import UsageError
from nianbao.settings import Settings

BJ = ZoneInfo("Asia/Shanghai")


def _fires(trigger, after: str) -> datetime:
    return trigger.get_next_fire_time(None, datetime.fromisoformat(after))


def test_digest_job_daily_at_the_configured_hour_beijing_time(settings, monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_DIGEST_HOUR", "7")
    monkeypatch.setenv("NIANBAO_DIGEST_MINUTE", "30")
    from_env = Settings()  # the variables reach the settings …
    assert (from_env.digest_hour, from_env.digest_minute) == (7, 30)
    settings = settings.model_copy(update={"digest_hour": 7, "digest_minute": 30})  # … and the job
    sched = BackgroundScheduler(timezone="UTC")  # the scheduler's own zone does not matter
    assert alerts.schedule_jobs(sched, settings) == ["monitor-digest"]
    sched.start(paused=True)
    try:
        job = sched.get_job("monitor-digest")
        assert job.func is alerts.digest_job and isinstance(job.trigger, CronTrigger)
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        nxt = _fires(job.trigger, "2025-02-01T08:00:00+08:00")
        assert nxt == datetime(2025, 2, 2, 7, 30, tzinfo=BJ)  # daily, 07:30 in Beijing
        assert _fires(job.trigger, "2025-02-02T07:31:00+08:00") == datetime(2025, 2, 3, 7, 30, tzinfo=BJ)
        alerts.schedule_jobs(sched, settings)  # again (a restart): replaced, not doubled
        assert [j.id for j in sched.get_jobs()] == ["monitor-digest"]
    finally:
        sched.shutdown(wait=False)
    with pytest.raises(UsageError, match="digest_hour"):
        alerts.schedule_jobs(BackgroundScheduler(), settings.model_copy(update={"digest_hour": 25}))


def test_crawler_scheduler_registers_the_digest(settings, tmp_path, monkeypatch) -> None:
    from nianbao.app.scheduler import build_scheduler

    monkeypatch.delenv("NIANBAO_DIGEST_HOUR", raising=False)
    reg = tmp_path / "publishers.yaml"
    reg.write_text(yaml.safe_dump({"publishers": [{"id": "p1", "name": "某镇人民政府", "level": "township",
                                                   "entry_url": "http://127.0.1.1:8800/xxgk/ndbg/index.html"}]},
                                  allow_unicode=True), encoding="utf-8")
    sched = build_scheduler(settings, reg, blocking=False)
    sched.start(paused=True)  # the crawler prunes stale jobs on start: the digest must survive
    try:
        job = sched.get_job("monitor-digest")
        assert job is not None and job.next_run_time.astimezone(BJ).strftime("%H:%M") == "08:00"
        assert {"nianbao-busy", "nianbao-quiet", "monitor-digest"} <= {j.id for j in sched.get_jobs()}
    finally:
        sched.shutdown(wait=False)
