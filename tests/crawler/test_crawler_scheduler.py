"""The scheduler: schedules from config, a persistent job store, the pipeline job."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import text

from crawler.registry import load_registry
from crawler.scheduler import plan
from nianbao.app.scheduler import build_scheduler, pipeline_job
from nianbao.db import make_engine
from nianbao.settings import get_settings

from .crawler_world import start_world

TZ = "Asia/Shanghai"


def _next(trigger, when: str) -> datetime:
    return trigger.get_next_fire_time(None, datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(TZ)))


def _registry(tmp_path, overrides: dict[str, str]):
    pubs = [{"id": f"p{i}", "name": f"某{i}镇人民政府", "level": "township",
             "entry_url": "http://127.0.1.1:8800/xxgk/ndbg/index.html"} for i in range(4)]
    for pid, sched in overrides.items():
        next(p for p in pubs if p["id"] == pid)["schedule"] = sched
    f = tmp_path / "publishers.yaml"
    f.write_text(yaml.safe_dump({"schedule": {"hour": 3}, "publishers": pubs}, allow_unicode=True))
    return f


def test_plan_daily_in_busy_months_weekly_otherwise_with_overrides(tmp_path):
    f = _registry(tmp_path, {"p1": "hourly", "p2": "off", "p3": "cron:30 6 * * *"})
    jobs = {jid: (trig, kw) for jid, trig, kw in plan(load_registry(f), {"hour": 3}, TZ)}
    busy, kw = jobs["nianbao-busy"]
    assert kw == {"exclude": ["p1", "p2", "p3"]}
    assert _next(busy, "2025-02-03T04:00").isoformat() == "2025-02-04T03:00:00+08:00"  # daily
    quiet, _ = jobs["nianbao-quiet"]
    assert _next(quiet, "2025-06-04T04:00").strftime("%a %H:%M") == "Mon 03:00"  # weekly
    assert _next(quiet, "2025-02-03T04:00").month == 5  # the quiet job sleeps in Jan–Apr
    hourly, kw = jobs["nianbao-hourly"]
    assert kw == {"only": ["p1"]} and _next(hourly, "2025-06-04T04:10").hour == 5
    assert _next(jobs["nianbao-cron-30_6_x_x_x"][0], "2025-06-04T07:00").hour == 6
    assert not any("off" in j for j in jobs)


def test_job_store_persists_and_prunes(tmp_path):
    settings = get_settings().model_copy(update={"data_dir": tmp_path / "var"})
    f = _registry(tmp_path, {"p1": "hourly"})
    sched = build_scheduler(settings, f, blocking=False)
    sched.start(paused=True)
    sched.shutdown(wait=False)
    with make_engine(settings.database_url).connect() as con:
        ids = set(con.scalars(text("select id from apscheduler_jobs")))
    # (other packages may add their own jobs, e.g. the monitor's daily digest)
    assert {i for i in ids if i.startswith("nianbao-")} == {"nianbao-busy", "nianbao-quiet", "nianbao-hourly"}
    f = _registry(tmp_path, {"p2": "off"})  # the hourly override left the config
    sched = build_scheduler(settings, f, blocking=False)
    sched.start(paused=True)
    assert {j.id for j in sched.get_jobs() if j.id.startswith("nianbao-")} == {"nianbao-busy", "nianbao-quiet"}
    sched.shutdown(wait=False)
    pending = {j.id: j for j in build_scheduler(settings, f, blocking=False, run_now=True).get_jobs()}
    assert pending["nianbao-now"].kwargs["exclude"] == ["p2"]  # one immediate run, 'off' left out


@pytest.fixture()
def early(tmp_path, monkeypatch):
    web, w = start_world(tmp_path, date="2024-01-12")
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(w.settings.data_path))
    monkeypatch.setenv("NIANBAO_CRAWL_DELAY_SECONDS", "0.02")
    monkeypatch.setenv("NIANBAO_ES_URL", "http://127.0.0.1:9")  # no index writes from this test
    get_settings.cache_clear()
    try:
        yield w
    finally:
        web.stop()
        get_settings.cache_clear()


def test_pipeline_job_crawls_then_runs_later_stages(early):
    result = pipeline_job(str(early.registry_path))
    assert result["crawl"]["new"] == len(early.truth()) > 0
    assert set(result) == {"crawl", "index", "monitor"}  # a failing stage is reported, not raised
