"""The compliance and alerts commands through the real `nianbao` entry point."""

from __future__ import annotations

import csv
import io
import json

from nianbao.app.cli import main
from nianbao.settings import get_settings

from .conftest import add_crawl


def _env(monkeypatch, settings) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NIANBAO_SMTP_PORT", str(settings.smtp_port))
    monkeypatch.setenv("NIANBAO_ES_URL", "http://127.0.0.1:9")  # no ES: document events wait
    get_settings.cache_clear()


def test_compliance_json_csv_and_alerts(settings, db, monkeypatch, capsys) -> None:
    _env(monkeypatch, settings)
    add_crawl(db, "2025-02-01T09:00", [])
    assert main(["compliance", "--year", "2024", "--county", "孟津区", "--today", "2025-02-01", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["counts"] == {"on_time": 0, "late": 0, "missing": 3, "not_due": 1, "unknown": 0}
    assert set(rep["publishers"][0]) >= {"id", "name", "county", "status", "deadline", "published",
                                         "first_seen", "days_late", "findings"}
    assert main(["compliance", "--year", "2024", "--today", "2025-02-01", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["status"] for r in rows) == ["missing"] * 3 + ["not_due"]
    assert main(["compliance", "--year", "2024", "--today", "2025-02-30"]) == 2
    assert "bad date" in capsys.readouterr().err
    assert main(["alerts", "run", "--today", "2025-02-01"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["events"] == 3 and out["es"] is False
    get_settings.cache_clear()
