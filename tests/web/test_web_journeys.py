"""What each kind of user sees, in headless Chromium at desktop and phone widths (issue 14):
a journalist searching and exporting, a watchdog drilling down to late publishers and
subscribing, a supervisor reading the dashboard in English, a reviewer confirming a finding;
and an axe-core check (vendored, offline) with no serious or critical violation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .test_web_browser import ARGS, ARTIFACTS, CHROMIUM, live  # noqa: F401 — fixture

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS))
def browser_page(request, live):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: apt-get install -y chromium (scripts/setup does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = request.param == "phone"
        ctx = browser.new_context(accept_downloads=True, viewport=WIDTHS[request.param],
                                  is_mobile=phone, has_touch=phone, bypass_csp=True)
        pg = ctx.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.base = live  # type: ignore[attr-defined]
        pg.width_name = request.param  # type: ignore[attr-defined]
        yield pg
        browser.close()


def no_overflow(pg) -> None:
    assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), pg.url


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"journey-{name}-{pg.width_name}.png"), full_page=True)


def test_journalist(browser_page):
    pg = browser_page
    pg.goto(pg.base + "/")
    pg.fill("input[name=q]", "appeals.review.corrected>=1 行政复议")
    pg.press("input[name=q]", "Enter")
    pg.wait_for_selector("li.hit")
    hit = pg.locator("li.hit").first
    assert hit.locator("mark").count() >= 1
    assert "appeals.review.corrected = 1" in hit.locator(".figure-match").inner_text()
    assert hit.bounding_box()["y"] < WIDTHS[pg.width_name]["height"]  # on the first screen
    no_overflow(pg)
    shot(pg, "journalist-search")
    total = int(pg.locator("p.summary").inner_text().split("共 ")[1].split(" ")[0])
    if pg.width_name == "desktop":
        with pg.expect_download() as dl:
            pg.click("p.summary a.export[data-fmt=csv]")
        rows = list(csv.reader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
        assert len(rows) == 1 + total
    hit.locator("h2 a").click()
    cell = pg.locator('td[data-path="appeals.review.corrected"]')
    cell.wait_for()
    assert "figure-hit" in (cell.get_attribute("class") or "")
    no_overflow(pg)
    shot(pg, "journalist-report")
    assert pg.errors == []


def test_watchdog(browser_page):
    pg = browser_page
    pg.goto(pg.base + "/compliance?year=2024")
    for name in ("河南省", "洛阳市", "孟津区"):
        pg.click(f"a.drill:text-is('{name}')")
        pg.wait_for_load_state()
    late = pg.locator("table.pubs tr.row-late")
    assert late.count() == 1 and "平乐镇" in late.inner_text() and "10" in late.inner_text()
    assert pg.locator("span.status.s-missing").count() == 1
    no_overflow(pg)
    shot(pg, "watchdog-dashboard")
    pg.click("a.subscribe")
    pg.wait_for_selector("input[name=county]")
    assert pg.input_value("input[name=county]") == "孟津区"
    assert pg.input_value("select[name=kind]") == "region_compliance"
    no_overflow(pg)
    assert pg.errors == []


def test_supervisor_in_english(browser_page):
    pg = browser_page
    pg.goto(pg.base + "/compliance?year=2024&province=河南省&city=洛阳市")
    pg.click("a[hreflang=en]")
    pg.wait_for_load_state()
    assert "city=" in pg.url and "lang=en" in pg.url  # the switch kept the drill-down
    assert pg.locator("h1").inner_text() == "Compliance for 2024"
    assert "late" in pg.locator("ul.counts").inner_text()
    pg.wait_for_selector("#chart canvas")
    chart = pg.locator("#chart").bounding_box()
    canvas = pg.locator("#chart canvas").first.bounding_box()
    assert abs(canvas["width"] - chart["width"]) < 2 and chart["width"] > 300
    no_overflow(pg)
    shot(pg, "supervisor-en")
    pg.goto(pg.base + "/compliance?year=2022")
    assert "No data for 2022." in pg.locator(".no-data").inner_text()
    assert pg.locator("span.status.s-missing").count() == 0
    assert pg.errors == []


def test_reviewer(browser_page, corpus):
    pg = browser_page
    pg.goto(pg.base + "/login")
    pg.fill("input[name=username]", "admin")
    pg.fill("input[name=password]", "test-pass-123")
    pg.locator("main button").click()
    pg.wait_for_load_state()
    pg.goto(pg.base + f"/reports/{corpus['ids'][('mj-cy', 2024)]}")
    form = pg.locator("form.review").first
    form.locator("input[name=reason]").fill("核对原文，确有此误")
    form.locator("button[value=confirm]").click()
    pg.wait_for_load_state()
    assert pg.locator("section.audit td", has_text="核对原文，确有此误").count() == 1
    assert pg.locator(".reviewed").count() >= 1
    no_overflow(pg)
    shot(pg, "reviewer")
    assert pg.errors == []


SERIOUS = ("serious", "critical")


@pytest.mark.parametrize("path", ["/search?q=行政复议", "/reports/{rid}", "/compliance?year=2024&county=孟津区",
                                  "/subscriptions/new", "/help", "/publishers/mj-cy", "/search?lang=en&q=政府"])
def test_axe_no_serious_violations(browser_page, corpus, path):
    pg = browser_page
    pg.goto(pg.base + path.format(rid=corpus["ids"][("mj-cy", 2024)]))
    pg.wait_for_load_state("load")
    pg.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    res = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in res["violations"] if v["impact"] in SERIOUS]
    assert bad == [], bad
