"""Compliance dashboard, drill-down, exports, publisher page, compliance API."""

from __future__ import annotations

import io

from openpyxl import load_workbook


def test_dashboard_drill_down(client):
    top = client.get("/compliance?year=2024").get_data(as_text=True)
    assert "河南省" in top and 'class="drill"' in top
    city = client.get("/compliance?year=2024&province=河南省").get_data(as_text=True)
    assert "洛阳市" in city
    county = client.get("/compliance?year=2024&province=河南省&city=洛阳市").get_data(as_text=True)
    assert "孟津区" in county and "偃师区" in county
    town = client.get("/compliance?year=2024&province=河南省&city=洛阳市&county=孟津区")
    html = town.get_data(as_text=True)
    assert "孟津区会盟镇人民政府" in html and "/publishers/mj-cy" in html
    assert 'id="chart"' in html and "echarts.min.js" in html and "<svg class=\"bar\"" in html


def test_dashboard_json_counts(client):
    d = client.get("/compliance.json?year=2024&county=孟津区").get_json()
    assert d["counts"] == {"on_time": 1, "late": 1, "missing": 1, "not_due": 0, "unknown": 0}
    by_id = {p["id"]: p for p in d["publishers"]}
    assert by_id["mj-pl"]["status"] == "late" and by_id["mj-pl"]["days_late"] == 10
    assert by_id["mj-hs"]["status"] == "missing"
    assert {"date": "2025-02-10", "count": 1} in d["per_day"]["days"]
    assert d["per_day"]["deadlines"] == ["2025-01-31"]


def test_compliance_api(client):
    d = client.get("/api/compliance?year=2024&province=河南省&city=洛阳市&county=孟津区").get_json()
    assert set(d) >= {"year", "counts", "publishers"} and d["year"] == 2024
    p = d["publishers"][0]
    assert {"id", "name", "county", "status", "deadline", "published", "first_seen", "days_late", "findings"} <= set(p)
    assert client.get("/api/compliance").status_code == 400
    assert client.get("/api/compliance?year=abc").status_code == 400


def test_dashboard_exports(client):
    r = client.get("/compliance.csv?year=2024&county=孟津区")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    lines = r.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ID,单位") and len(lines) == 4
    assert any("逾期" in ln and ",10," in ln for ln in lines)
    x = client.get("/compliance.xlsx?year=2024&county=孟津区&table=areas")
    ws = load_workbook(io.BytesIO(x.data)).active
    assert ws.cell(1, 1).value == "地区" and ws.max_row == 4  # header + three townships
    days = client.get("/compliance.csv?year=2024&county=孟津区&table=days").get_data().decode("utf-8-sig")
    assert days.splitlines()[0] == "日期,发布数量" and "2025-02-10,1" in days


def test_publisher_page(client):
    html = client.get("/publishers/mj-cy").get_data(as_text=True)
    assert "孟津区朝阳镇人民政府" in html and "2023" in html and "2024" in html
    d = client.get("/publishers/mj-cy.json").get_json()
    assert [r["year"] for r in d["reports"]] == [2024, 2023]
    assert any(c["year"] == 2024 and c["status"] == "on_time" for c in d["compliance"])
    assert client.get("/publishers/none-such").status_code == 404
