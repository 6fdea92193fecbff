"""The issue's clock-driven scenario end to end: simulated web -> crawler -> indexer -> alerts,
with mail through a real SMTP server and a webhook to a real receiver.

The simulated county 兰陵县 (seed 1933, tiny world; picked by scanning seeds for one that plays
the issue's story exactly): on 20 January nothing is due; on 1 February the townships without a
report (卞庄街道, 苍山街道, 大仲村镇) are missing; on 10 February 苍山街道 publishes — late by
10 days — and its report matches a saved search; on 12 February 兰陵镇 edits its report, so the
13 February crawl brings MODIFIED. The report documents in Elasticsearch carry LATE / MODIFIED.
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
SEED, COUNTY = 1933, "兰陵县"
FAST = {"crawl_delay_seconds": 0.02, "crawl_host_concurrency": 2, "crawl_timeout_seconds": 5.0, "crawl_retries": 1}


@pytest.fixture()
def world(tmp_path: Path, settings, monkeypatch):
    from simweb.server import SimWeb

    web = SimWeb(seed=SEED, size="tiny", date="2025-01-20", port=0).start()
    rows = [r for r in web.registry_rows() if r["county"] == COUNTY]
    reg = tmp_path / "publishers.yaml"
    reg.write_text(yaml.safe_dump({"publishers": rows}, allow_unicode=True), encoding="utf-8")
    for k, v in FAST.items():
        setattr(settings, k, v)
    # The crawler stamps nianbao.clock's UTC; drive it from the simulated clock instead (09:00 Beijing).
    tick = itertools.count()
    monkeypatch.setattr("nianbao.clock.utcnow", lambda: datetime.combine(web.world_today, datetime.min.time())
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
    from indexer.search import get_report
    from indexer.store import doc_id

    web, reg, rows = world
    web.world_today = datetime(2025, 1, 20).date()
    settings.es_index_prefix = f"{es_prefix}-scn"
    mine = {r["id"] for r in rows}
    reports = [d for i in range(len(web.hosts)) for d in web.world.docs(i)
               if d.kind == "report" and d.year == 2024 and d.registered and d.publisher_id in mine]
    (late_doc,) = [d for d in reports if d.published.date() == datetime(2025, 2, 10).date()]
    late_pub = next(r for r in rows if r["id"] == late_doc.publisher_id)
    assert late_pub["level"] in ("township", "subdistrict")
    (edited,) = [d for d in reports if d.edited and d.published.date().isoformat() < "2025-01-20"]
    assert edited.edited.date() == datetime(2025, 2, 12).date()
    missing = sorted(r["name"] for r in rows if r["level"] in ("township", "subdistrict")
                     and not any(d.publisher_id == r["id"] and d.published.date().isoformat() <= "2025-02-01"
                                 for d in reports))

    from nianbao.db import init_db, make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    init_db(engine)
    db = make_session_factory(engine)()
    subscriptions.create(db, settings, kind="region_compliance", channel="email",
                         target="watch@example.org", params={"county": COUNTY})
    token = re.search(r"/subscriptions/([\w-]+)/confirm", smtp.bodies()[0]).group(1)
    subscriptions.confirm(db, token)
    search = subscriptions.create(db, settings, kind="saved_search", channel="email", target="j@example.org",
                                  params={"q": f'"{late_doc.title}"'}, send_confirmation=False)
    subscriptions.confirm(db, search.token)
    hook = subscriptions.create(db, settings, kind="publisher", channel="webhook", target=receiver.url,
                                params={"publisher_id": edited.publisher_id})
    receiver.secret = hook.secret
    smtp.messages.clear()

    _step(web, reg, settings, es, "2025-01-20")
    assert [m["To"] for m in smtp.messages if m["To"] == "watch@example.org"] == []  # 20 Jan: nothing due

    _step(web, reg, settings, es, "2025-02-01")  # 1 Feb: the townships without a report are missing
    mails = [m for m in smtp.messages if m["To"] == "watch@example.org"]
    assert len(mails) == 1 and len(missing) == 3
    text = mails[0].get_body(("plain",)).get_content()
    for name in missing:
        assert f"{name} 2024 年度报告未按期发布：截止 2025-01-31，已逾期 1 天" in text

    stats = _step(web, reg, settings, es, "2025-02-10")  # 10 Feb: one of them publishes, 10 days late
    mails = [m for m in smtp.messages if m["To"] == "watch@example.org"]
    text = mails[-1].get_body(("plain",)).get_content()
    assert f"{late_pub['name']} 2024 年度报告逾期 10 天发布" in text
    found = [m for m in smtp.messages if m["To"] == "j@example.org"]  # and it matches a saved search
    assert len(found) == 1 and late_doc.title in found[0]["Subject"] and "【" in found[0].get_body(("plain",)).get_content()
    late = get_report(es, settings.es_index_prefix, doc_id(late_pub["id"], 2024, None))
    assert late["timeliness"] == "late" and late["days_late"] == 10
    assert next(f for f in late["findings"] if f["code"] == "LATE")["days_late"] == 10
    again = alerts.run(settings, datetime(2025, 2, 10).date(), es=es)
    assert again.sent == 0 and stats.sent >= 2  # running again sends nothing twice

    n_hooks = len(receiver.accepted)
    _step(web, reg, settings, es, "2025-02-13")  # edited on 12 Feb: MODIFIED
    kinds = [e["kind"] for b in list(receiver.accepted.values())[n_hooks:] for e in b["events"]]
    assert "modified" in kinds
    assert "MODIFIED" in get_report(es, settings.es_index_prefix, doc_id(edited.publisher_id, 2024, None))["finding_codes"]
    db.close()
