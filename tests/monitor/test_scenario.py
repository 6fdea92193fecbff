"""The issue's clock-driven scenario end to end: simulated web -> crawler -> indexer -> alerts,
with mail through a real SMTP server and a webhook to a real receiver.

The simulated county 汝城县 (seed 1, tiny world): on 20 Jan nothing is due; on 1 Feb the
department whose report only appears on 5 March is missing; when it appears it is late (by the
days since 31 Jan) and matches a saved search; an edited township report brings MODIFIED.
(The issue's "10 Feb, 10 days late" is this world's "5 March, 33 days late".)
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from monitor import alerts, subscriptions

pytestmark = pytest.mark.slow
FAST = {"crawl_delay_seconds": 0.02, "crawl_host_concurrency": 2, "crawl_timeout_seconds": 5.0, "crawl_retries": 1}


@pytest.fixture()
def world(tmp_path: Path, settings, monkeypatch):
    from simweb.server import SimWeb

    web = SimWeb(seed=1, size="tiny", date="2025-01-20", port=0).start()
    rows = [r for r in web.registry_rows() if r["county"] == "汝城县"]
    reg = tmp_path / "publishers.yaml"
    reg.write_text(yaml.safe_dump({"publishers": rows}, allow_unicode=True), encoding="utf-8")
    for k, v in FAST.items():
        setattr(settings, k, v)
    # The crawler stamps real UTC time; drive it from the simulated clock instead (09:00 Beijing).
    tick = itertools.count()
    monkeypatch.setattr("crawler.engine.utcnow", lambda: datetime.combine(web.world_today, datetime.min.time())
                        + timedelta(hours=1, seconds=next(tick)))
    try:
        yield web, reg, rows
    finally:
        web.stop()


def _step(web, reg, settings, es, day: str):
    from crawler.engine import run_crawl
    from crawler.registry import load_registry
    from indexer.pipeline import run_once

    web.set_date(day)
    web.world_today = datetime.fromisoformat(day).date()
    run_crawl(settings, load_registry(reg))
    run_once(settings, es=es)
    return alerts.run(settings, web.world_today, es=es)


def test_clock_driven_scenario(world, settings, smtp, receiver, es, es_prefix) -> None:
    web, reg, rows = world
    web.world_today = datetime(2025, 1, 20).date()
    settings.es_index_prefix = f"{es_prefix}-scn"
    late_doc = next(d for i in range(len(web.hosts)) for d in web.world.docs(i)
                    if d.kind == "report" and d.year == 2024 and d.registered
                    and d.publisher_id in {r["id"] for r in rows}
                    and d.published.date().isoformat() > "2025-01-31" and not d.publisher_id.endswith("-gov"))
    late_pub = next(r for r in rows if r["id"] == late_doc.publisher_id)
    edited = next(d for i in range(len(web.hosts)) for d in web.world.docs(i)
                  if d.kind == "report" and d.year == 2024 and d.edited and d.publisher_id in {r["id"] for r in rows}
                  and d.published.date().isoformat() < "2025-01-20")

    from monitor.source import publishers  # noqa: F401  (the adapter reads the crawler's rows)
    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    init_db(engine)
    db = make_session_factory(engine)()
    subscriptions.create(db, settings, kind="region_compliance", channel="email",
                         target="watch@example.org", params={"county": "汝城县"})
    token = re.search(r"/subscriptions/([\w-]+)/confirm", smtp.bodies()[0]).group(1)
    subscriptions.confirm(db, token)
    search = subscriptions.create(db, settings, kind="saved_search", channel="email", target="j@example.org",
                                  params={"q": f'"{late_doc.title}"'}, send_confirmation=False)
    subscriptions.confirm(db, search.token)
    hook = subscriptions.create(db, settings, kind="publisher", channel="webhook", target=receiver.url,
                                params={"publisher_id": edited.publisher_id})
    receiver.secret = hook.secret
    smtp.messages.clear()

    stats = _step(web, reg, settings, es, "2025-01-20")
    assert [m["To"] for m in smtp.messages if m["To"] == "watch@example.org"] == []  # 20 Jan: nothing due

    _step(web, reg, settings, es, "2025-02-01")
    mails = [m for m in smtp.messages if m["To"] == "watch@example.org"]
    assert len(mails) == 1
    text = mails[0].get_body(("plain",)).get_content()
    assert f"{late_pub['name']} 2024 年度报告未按期发布：截止 2025-01-31，已逾期 1 天" in text

    day = edited.edited.date() + timedelta(days=1)
    n_hooks = len(receiver.accepted)
    _step(web, reg, settings, es, day.isoformat())
    kinds = [e["kind"] for b in list(receiver.accepted.values())[n_hooks:] for e in b["events"]]
    assert "modified" in kinds  # the edited report: MODIFIED to the publisher's webhook

    pub_day = late_doc.published.date()
    stats = _step(web, reg, settings, es, pub_day.isoformat())
    days = (pub_day - datetime(2025, 1, 31).date()).days
    mails = [m for m in smtp.messages if m["To"] == "watch@example.org"]
    text = mails[-1].get_body(("plain",)).get_content()
    assert f"{late_pub['name']} 2024 年度报告逾期 {days} 天发布" in text
    found = [m for m in smtp.messages if m["To"] == "j@example.org"]
    assert len(found) == 1 and late_doc.title in found[0]["Subject"] and "【" in found[0].get_body(("plain",)).get_content()
    again = alerts.run(settings, pub_day, es=es)
    assert again.sent == 0 and stats.sent >= 2
    db.close()
