"""Issue 14 in a real browser (headless Chromium): the compliance chart's size and axis, no
page wider than a phone at 390 px, the search button and the first result on the first screen,
contrast of the status badges, the skip link."""

from __future__ import annotations

import pytest

from .test_web_browser import ARGS, ARTIFACTS, CHROMIUM, live, page  # noqa: F401 — fixtures

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def phone(live):  # noqa: F811
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: apt-get install -y chromium (scripts/setup does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        pg = ctx.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.base = live  # type: ignore[attr-defined]
        yield pg
        browser.close()


def overflow(pg) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scrolling)."""
    return pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_chart_full_width_every_day_and_deadline_label_inside(page):  # noqa: F811
    page.goto(page.base + "/compliance?year=2024&province=河南省&city=洛阳市&county=孟津区")
    page.wait_for_selector("#chart canvas")
    box = page.locator("#chart").bounding_box()
    canvas = page.locator("#chart canvas").first.bounding_box()
    assert box and canvas and canvas["width"] > 600 and abs(canvas["width"] - box["width"]) < 2
    info = page.evaluate("""() => {
      const el = document.getElementById('chart'); const c = echarts.getInstanceByDom(el);
      const o = c.getOption(); const days = o.xAxis[0].data; const dl = o.series[0].markLine.data[0].xAxis;
      const x = c.convertToPixel({xAxisIndex: 0}, dl);
      const ctx = document.createElement('canvas').getContext('2d'); ctx.font = '12px sans-serif';
      const w = Math.max(ctx.measureText(dl).width, ctx.measureText(o.series[0].markLine.data[0].name || '').width);
      return {days, x, w, width: c.getWidth()};
    }""")
    # 2025-01-18 … 2025-02-10: every calendar day on the axis, days without reports as zeros
    assert info["days"][0] == "2025-01-18" and info["days"][-1] == "2025-02-10"
    assert len(info["days"]) == 24 and "2025-01-19" in info["days"]
    assert info["x"] + info["w"] / 2 <= info["width"], info  # the deadline label fits
    page.screenshot(path=str(ARTIFACTS / "dashboard-chart.png"), full_page=True)
    assert page.errors == [], page.errors


def test_phone_search_button_first_result_no_overflow(phone):
    phone.goto(phone.base + "/search?q=政府")
    phone.wait_for_selector("li.hit")
    assert overflow(phone) <= 0
    btn = phone.locator("form.searchbox button").bounding_box()
    assert btn and btn["x"] >= 0 and btn["x"] + btn["width"] <= PHONE["width"]
    first = phone.locator("li.hit").first.bounding_box()
    assert first and first["y"] < PHONE["height"] - 60, first  # on the first screen
    phone.screenshot(path=str(ARTIFACTS / "phone-search.png"), full_page=False)
    assert phone.errors == []


@pytest.mark.parametrize("path", ["/reports/{rid}", "/subscriptions/new", "/compliance?year=2024&county=孟津区",
                                  "/publishers/mj-cy", "/help", "/search?lang=en&q=政府"])
def test_phone_pages_no_horizontal_overflow(phone, corpus, path):
    rid = corpus["ids"][("mj-cy", 2024)]
    phone.goto(phone.base + path.format(rid=rid))
    phone.wait_for_load_state("load")
    wide = phone.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect(); let p = e.parentElement;
                       while (p) { const s = getComputedStyle(p); if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') return false; p = p.parentElement; }
                       return r.right > 391 && r.width > 0; })
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert overflow(phone) <= 0 and wide == [], wide
    name = path.split("?")[0].strip("/").replace("/", "-").replace("{rid}", "report") or "home"
    phone.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def _contrast_js() -> str:
    return """(el) => {
      const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                         return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const st = getComputedStyle(el); const a = lum(rgb(st.color)), b = lum(rgb(st.backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }"""


def test_status_badges_contrast_skip_link_and_h1(page):  # noqa: F811
    page.goto(page.base + "/compliance?year=2024&province=河南省&city=洛阳市&county=孟津区")
    badges = page.locator("span.status")
    assert badges.count() >= 3
    for i in range(badges.count()):
        ratio = badges.nth(i).evaluate(_contrast_js())
        assert ratio >= 4.5, (badges.nth(i).inner_text(), ratio)  # WCAG AA, normal text
    late = page.locator("span.status.s-late").first.evaluate(_contrast_js())
    assert late >= 4.5
    # the first Tab lands on a visible "skip to content" link that moves focus to <main>
    page.goto(page.base + "/help")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link" and page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.goto(page.base + "/search?q=政府")
    assert page.locator("h1").count() == 1 and page.locator(".skip-link").count() == 1
