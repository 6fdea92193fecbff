"""What each kind of user sees, in headless Chromium at desktop and phone widths (issue 14):
a journalist searching and exporting, a watchdog drilling down to late publishers and
subscribing, a supervisor reading the dashboard in English, a reviewer confirming a finding;
and an axe-core check (vendored, offline) with no serious or critical violation."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.monitor.conftest import receiver  # noqa: F401 — fixture: a signed-webhook receiver

from .test_web_browser import ARGS, ARTIFACTS, CHROMIUM, free_port, live  # noqa: F401 — fixture
from .test_web_demo import demo_app  # noqa: F401 — fixture: mail catcher and world clock

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@contextmanager
def open_page(base: str, width: str) -> Iterator[Any]:
    """A page in headless Chromium at one of WIDTHS, its script errors collected."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: apt-get install -y chromium (scripts/setup does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = width == "phone"
        ctx = browser.new_context(accept_downloads=True, viewport=WIDTHS[width],
                                  is_mobile=phone, has_touch=phone, bypass_csp=True)
        pg = ctx.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.base = base  # type: ignore[attr-defined]
        pg.width_name = width  # type: ignore[attr-defined]
        try:
            yield pg
        finally:
            browser.close()


@pytest.fixture(params=sorted(WIDTHS))
def browser_page(request, live):  # noqa: F811
    with open_page(live, request.param) as pg:
        yield pg


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
    cell.scroll_into_view_if_needed()  # the official table with the matching cell marked
    pg.screenshot(path=str(ARTIFACTS / f"journey-journalist-table-{pg.width_name}.png"))
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



@pytest.fixture(params=sorted(WIDTHS))
def demo_page(request, receiver, demo_app):  # noqa: F811 — receiver first: it allows loopback
    """The portal in demo mode (mail catcher, world clock) served by waitress, in Chromium."""
    from waitress.server import create_server

    app, mail, clock, moves = demo_app
    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with open_page(f"http://127.0.0.1:{server.effective_port}", request.param) as pg:
            yield pg, mail, receiver
    finally:
        server.close()
        thread.join(timeout=5)


def subscribe(pg, channel: str, target: str) -> None:
    pg.goto(pg.base + "/subscriptions/new?county=孟津区&kind=region_compliance")
    pg.select_option("select[name=kind]", "region_compliance")
    pg.select_option("select[name=channel]", channel)
    pg.fill("input[name=target]", target)
    pg.fill("input[name=county]", "孟津区")
    no_overflow(pg)
    pg.locator("main form.stack button").click()
    pg.wait_for_url("**/subscriptions/*")
    assert pg.locator("h1").inner_text() == "管理订阅", pg.content()[:2000]


def test_watchdog_alerts_arrive_in_the_mailbox_and_at_the_webhook(demo_page):
    """A watchdog subscribes to 孟津区 by e-mail (confirming from the demo mailbox) and by a
    signed webhook; the administrator moves the world clock past the deadline from the admin
    page; the missing township's alert arrives in the mailbox and at the receiver, whose
    signature check passes with the secret the manage page shows."""
    from monitor import webhook

    pg, mail, hook = demo_page
    subscribe(pg, "email", "watch@example.org")
    pg.goto(pg.base + "/demo/mailbox")
    first = pg.locator("article.mail").first
    assert "watch@example.org" in first.inner_text()
    link = first.locator("a[href$='/confirm']").get_attribute("href")  # the mail's own link,
    pg.goto(pg.base + urlsplit(link).path)  # on this server (the mail names settings.base_url)
    pg.locator("main form button").click()
    pg.wait_for_load_state()
    assert pg.locator("span.status.s-active").count() == 1

    subscribe(pg, "webhook", hook.url)
    hook.secret = pg.locator("dd code").inner_text().strip()
    manage = pg.url
    assert len(hook.secret) == 64

    pg.goto(pg.base + "/login")
    pg.fill("input[name=username]", "admin")
    pg.fill("input[name=password]", "test-pass-123")
    pg.locator("main button").click()
    pg.wait_for_load_state()
    pg.goto(pg.base + "/admin")
    clock = pg.locator("#demo-clock")
    assert "2025-03-15" in clock.inner_text()
    clock.locator("input[name=days]").fill("3")
    no_overflow(pg)
    clock.locator("button").click()
    pg.wait_for_url("**/admin#demo-clock")

    until = time.monotonic() + 40
    while not hook.accepted or len(mail.list()) < 2:
        assert time.monotonic() < until, (hook.requests, mail.list())
        time.sleep(0.2)
    pg.goto(pg.base + "/demo/mailbox")
    alert = pg.locator("article.mail").first
    assert "2025-03-18" in pg.locator("main").inner_text()  # the clock the page shows moved
    text = alert.inner_text()
    assert "watch@example.org" in text and "会盟镇" in text and "未按期发布" in text
    no_overflow(pg)
    shot(pg, "watchdog-mailbox")

    # The receiver checked every request's signature (HMAC-SHA256 of the raw body).
    assert hook.bad_signatures == 0 and len(hook.accepted) == 1
    req = hook.requests[-1]
    assert webhook.verify(hook.secret, req["body"], req["headers"][webhook.SIGNATURE_HEADER])
    assert not webhook.verify("0" * 64, req["body"], req["headers"][webhook.SIGNATURE_HEADER])
    payload = next(iter(hook.accepted.values()))
    assert payload["subscription"]["manage_url"].endswith(manage.rsplit("/", 1)[1])
    assert "会盟镇" in json.dumps(payload["events"], ensure_ascii=False)
    pg.goto(manage)  # the manage page lists the alert sent
    assert "会盟镇" in pg.locator("main").inner_text()
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
