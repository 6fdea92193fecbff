"""The dashboard serves its last report while one background thread re-evaluates
(stale-while-revalidate): a new document shows up without any reader waiting for it."""

from __future__ import annotations

import time
from datetime import datetime


def _add_hs_report(app) -> None:
    from crawler.models import Document
    from nianbao.db import make_engine, make_session_factory

    engine = make_engine(app.config["NIANBAO_SETTINGS"].database_url)
    s = make_session_factory(engine)()
    pub = datetime(2025, 1, 20, 2, 0)
    s.add(Document(publisher_id="mj-hs", url="http://127.0.1.1:8800/mj/mj-hs-2024.html",
                   entry_url="http://127.0.1.1:8800/mj/col/nb/index.html", title="会盟镇2024年报告",
                   organ="孟津区会盟镇人民政府", year=2024, published_shown=pub, first_seen=pub,
                   last_seen=pub, status="live"))
    s.commit()
    s.close()
    engine.dispose()


def test_stale_report_served_then_refreshed(app):
    app.config["NIANBAO_COMPLIANCE_TTL"] = 0.3
    client = app.test_client()
    url = "/compliance.json?year=2024&county=孟津区"
    assert client.get(url).get_json()["counts"]["missing"] == 1
    _add_hs_report(app)
    assert client.get(url).get_json()["counts"]["missing"] == 1  # fresh cache
    time.sleep(0.4)
    assert client.get(url).get_json()["counts"]["missing"] == 1  # stale, refresh started
    for _ in range(50):
        if client.get(url).get_json()["counts"]["missing"] == 0:
            break
        time.sleep(0.1)
    assert client.get(url).get_json()["counts"]["missing"] == 0


def test_no_cache_when_ttl_is_zero(app):
    app.config["NIANBAO_COMPLIANCE_TTL"] = 0
    client = app.test_client()
    url = "/compliance.json?year=2024&county=孟津区"
    assert client.get(url).get_json()["counts"]["missing"] == 1
    _add_hs_report(app)
    assert client.get(url).get_json()["counts"]["missing"] == 0
