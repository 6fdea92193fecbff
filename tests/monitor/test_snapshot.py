"""The stored compliance snapshot equals evaluate's answer, replaces on refresh, and is what the
dashboard reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from monitor import snapshot
from monitor.compliance import evaluate, rollup
from monitor.models import ComplianceRow

from .conftest import add_crawl, add_report

TODAY = date(2025, 4, 10)


def _data(db) -> None:
    from crawler.models import PublisherRow

    db.add(PublisherRow(id="xa-cg", name="新安县城关镇人民政府", level="township", province="河南省",
                        city="洛阳市", county="新安县", code="410323100000",
                        entry_url="http://127.0.1.2:8800/nb/"))
    db.commit()
    add_report(db, "mj-cy", "http://127.0.1.1:8800/a.html", "2025-01-20 10:00", "2025-01-20 09:00", "朝阳镇2024年报")
    add_report(db, "mj-pl", "http://127.0.1.1:8800/b.html", "2025-02-12 10:00", None, "平乐镇2024年报")
    add_crawl(db, "2025-04-01 08:00", ["http://127.0.1.1:8800/a.html", "http://127.0.1.1:8800/b.html"])


def _snap(db, **region) -> dict:
    return {"counts": snapshot.counts(db, 2024, **region), "publishers": snapshot.rows(db, 2024, **region)}


def test_snapshot_equals_evaluate_national_and_county(db, settings) -> None:
    _data(db)
    assert snapshot.latest(db, 2024) is None
    n = snapshot.refresh(settings, 2024, TODAY, session=db)
    assert n == 5 and snapshot.latest(db, 2024) is not None
    for region in ({}, {"county": "孟津区"}, {"province": "河南省", "city": "洛阳市", "county": "新安县"}):
        want = evaluate(db, 2024, TODAY, **region, grace_days=settings.grace_days)
        got = _snap(db, **region)
        assert got["counts"] == want["counts"]
        assert got["publishers"] == want["publishers"]
        for level in ("province", "city", "county", "township"):
            areas = snapshot.counts(db, 2024, **region, by=level)
            assert [{k: v for k, v in a.items() if k != "id"} for a in areas] == rollup(want, level)
    statuses = {p["id"]: p["status"] for p in snapshot.rows(db, 2024)}
    assert statuses["mj-pl"] == "late" and statuses["mj-hs"] == "missing" and statuses["mj-cy"] == "on_time"
    worst = snapshot.rows(db, 2024, order="severity", limit=3)
    assert len(worst) == 3 and {p["status"] for p in worst} <= {"missing", "late", "unknown"}
    assert worst[0]["status"] == "missing"
    chart = snapshot.per_day(db, 2024)
    assert {d["date"] for d in chart["days"]} == {"2025-01-20", "2025-02-12"}
    assert "2025-01-31" in chart["deadlines"]


def test_refresh_replaces_never_duplicates(db, settings) -> None:
    _data(db)
    snapshot.refresh(settings, 2024, TODAY, session=db)
    first = snapshot.latest(db, 2024)
    snapshot.refresh(settings, 2024, TODAY, session=db)
    snapshot.refresh(settings, 2023, TODAY, session=db)
    n = db.scalar(select(func.count()).select_from(ComplianceRow).where(ComplianceRow.year == 2024))
    assert n == 5
    assert snapshot.latest(db, 2024) >= first
    assert sum(snapshot.counts(db, 2023).values()) == 5  # other years kept apart


def test_alert_run_refreshes_snapshot(db, settings) -> None:
    from monitor import alerts

    _data(db)
    alerts.run(settings, TODAY, es=None, session=db)
    assert snapshot.latest(db, 2024) is not None and snapshot.latest(db, 2023) is not None


def test_dashboard_reads_snapshot(db, settings, es) -> None:
    from web import create_app

    _data(db)
    snapshot.refresh(settings, 2024, TODAY, session=db)
    db.execute(update(ComplianceRow).where(ComplianceRow.publisher_id == "mj-cy")
               .values(name="快照里改过的朝阳镇", status="missing"))
    db.commit()
    app = create_app({"TESTING": True, "NIANBAO_SETTINGS": settings, "NIANBAO_ES": es,
                      "NIANBAO_TODAY": TODAY.isoformat()})
    client = app.test_client()
    html = client.get("/compliance?year=2024").get_data(as_text=True)
    assert "快照里改过的朝阳镇" in html and "数据计算于" in html
    county = client.get("/compliance.json?year=2024&county=孟津区").get_json()
    assert county["counts"]["missing"] == 3 and len(county["publishers"]) == 4
    assert county["computed_at"]
    api = client.get("/api/compliance?year=2024").get_json()
    assert {p["id"]: p["status"] for p in api["publishers"]}["mj-cy"] == "missing"
    csv = client.get("/compliance.csv?year=2024").get_data(as_text=True)
    assert "快照里改过的朝阳镇" in csv
    snapshot.refresh(settings, 2024, TODAY, session=db)  # a new snapshot replaces the page data
    html = client.get("/compliance?year=2024").get_data(as_text=True)
    assert "快照里改过的朝阳镇" not in html and "孟津区朝阳镇人民政府" in html
    # no snapshot for 2023: the evaluate path still answers, without a computed_at line
    old = client.get("/compliance?year=2022").get_data(as_text=True)
    assert "数据计算于" not in old
