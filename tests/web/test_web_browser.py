"""Real headless Chromium (Debian's) against the portal served by waitress in a thread."""

from __future__ import annotations

import csv
import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def live(app) -> Iterator[str]:
    from waitress.server import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    t.join(timeout=5)


@pytest.fixture()
def page(live):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: apt-get install -y chromium (scripts/setup does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        pg = ctx.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.base = live  # type: ignore[attr-defined]
        yield pg
        browser.close()


def test_search_to_report_marks_failing_cell(page):
    page.goto(page.base + "/")
    page.fill("input[name=q]", "行政复议")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator("li.hit mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    page.click("li.hit h2 a")
    cell = page.locator('td[data-path="applications.new.total"]')
    cell.wait_for()
    assert "cell-flag" in cell.get_attribute("class")
    assert "T3_ROW_SUM" in cell.get_attribute("title")
    bg = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")  # visibly marked by the CSS
    assert page.locator("mark", has_text="行政复议").count() >= 1
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert page.errors == []


def test_dashboard_drill_down_and_exports(page):
    page.goto(page.base + "/compliance?year=2024")
    for name in ("河南省", "洛阳市", "孟津区"):
        page.click(f"a.drill:text-is('{name}')")
        page.wait_for_load_state()
    assert page.locator("table.areas-table td", has_text="孟津区会盟镇人民政府").count() == 1
    page.wait_for_selector("#chart canvas")  # ECharts drew the per-day chart
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("section.publishers a.export[data-fmt=csv]")
    rows = list(csv.reader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["ID", "单位"] and len(rows) == 4
    with page.expect_download() as dl:
        page.click("section.publishers a.export[data-fmt=xlsx]")
    from openpyxl import load_workbook

    assert dl.value.suggested_filename == "compliance-2024.xlsx"
    ws = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes())).active
    assert ws.max_row == 4 and "逾期" in [c.value for c in ws["D"]]
    # sorting by a header click (progressive enhancement)
    page.click("table.pubs th:nth-child(6)")
    assert page.locator("table.pubs th.sort-asc").count() == 1
    assert page.errors == [], page.errors


def test_pages_without_console_errors(page):
    for path in ("/help", "/subscriptions/new", "/login", "/search?lang=en&q=政府"):
        page.goto(page.base + path)
        page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / "search-en.png"), full_page=True)
    assert page.errors == [], page.errors
    # a malformed query: the page (HTTP 400) shows where it went wrong, and nothing else fails
    page.goto(page.base + "/search?lang=zh&q=" + "(行政复议 AND")
    assert page.locator("pre.querypos").count() == 1
    page.screenshot(path=str(ARTIFACTS / "search-error.png"), full_page=True)
    assert all("status of 400" in e for e in page.errors), page.errors
