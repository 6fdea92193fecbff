"""The fetcher over real HTTP (a scripted local server that logs every request it gets)."""

from __future__ import annotations

import asyncio
import time

import pytest

from crawler.archive import Archive
from crawler.fetch import Fetcher, HostSlot
from crawler.registry import netloc

from .crawler_httpd import Server, html

ROBOTS = (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\n")


@pytest.fixture()
def fast(settings):
    return settings.model_copy(update={"crawl_delay_seconds": 0.05, "crawl_timeout_seconds": 1.0,
                                       "crawl_retries": 2, "crawl_host_concurrency": 2})


def fetch_all(settings, allow, jobs):
    """Run fetches [(url, kind, kwargs)] concurrently; returns (results, fetch-log rows)."""
    rows: list[dict] = []

    async def main():
        f = Fetcher(settings, Archive(settings), allow, log=rows.append, run_id="t")
        try:
            return await asyncio.gather(*(f.fetch(u, k, **kw) for u, k, kw in jobs))
        finally:
            await f.aclose()

    return asyncio.run(main()), rows


def test_spacing_per_host_respects_delay(fast, monkeypatch):
    s = fast.model_copy(update={"crawl_delay_seconds": 0.3, "crawl_host_concurrency": 2})
    claimed: list[float] = []  # when the crawler took each turn (its own clock)
    take_turn = HostSlot.wait_turn

    async def recorded(self):  # type: ignore[no-untyped-def]
        await take_turn(self)
        claimed.append(self.last_start)

    monkeypatch.setattr(HostSlot, "wait_turn", recorded)
    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        for i in range(6):
            srv.routes[f"/p{i}.html"] = html(f"<p>{i}</p>")
        results, _ = fetch_all(s, {netloc(srv.base)}, [(f"{srv.base}/p{i}.html", "report", {}) for i in range(6)])
        arrivals = [h.at for h in srv.log]
    assert all(r.outcome == "ok" for r in results)
    # What the crawler controls is when it starts each request (robots.txt included): every
    # start at least the delay after the one before.
    gaps = [b - a for a, b in zip(claimed, claimed[1:], strict=False)]
    assert len(claimed) == 7 and min(gaps) >= 0.3, gaps
    # And they reach the server spaced too. Arrival times add the machine's scheduling noise
    # (one gap measured 0.25 s under a load of 9: a late first arrival), so only on average.
    assert len(arrivals) == 7 and (arrivals[-1] - arrivals[0]) / 6 >= 0.3 * 0.9, arrivals


def test_robots_disallowed_never_requested_and_user_agent_sent(fast):
    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/private/r.html"] = html("<p>secret</p>")
        srv.routes["/ok.html"] = html("<p>ok</p>")
        results, rows = fetch_all(fast, {netloc(srv.base)}, [
            (f"{srv.base}/private/r.html", "report", {}), (f"{srv.base}/ok.html", "report", {})])
        assert "/private/r.html" not in srv.paths()
        assert {h.headers["user-agent"] for h in srv.log} == {fast.user_agent}
    assert [r.outcome for r in results] == ["robots", "ok"]
    assert any(r["outcome"] == "robots" and r["url"].endswith("/private/r.html") for r in rows)


def test_retries_5xx_honouring_retry_after(fast):
    calls = {"n": 0}

    def flaky(_h):
        calls["n"] += 1
        if calls["n"] <= 2:
            return 503, [("Retry-After", "1"), ("Content-Type", "text/html")], b"busy"
        return html("<p>fine</p>")

    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/flaky.html"] = flaky
        (res,), rows = fetch_all(fast, {netloc(srv.base)}, [(f"{srv.base}/flaky.html", "report", {})])
        hits = [h.at for h in srv.log if h.path == "/flaky.html"]
    assert res.outcome == "ok" and res.attempts == 3
    assert min(b - a for a, b in zip(hits, hits[1:], strict=False)) >= 0.95  # Retry-After: 1
    assert [r["outcome"] for r in rows if r["url"].endswith("flaky.html")] == ["retry", "retry", "ok"]


def test_timeout_gives_up_after_retries(fast):
    def slow(_h):
        time.sleep(1.5)
        return html("<p>late</p>")

    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/slow.html"] = slow
        (res,), rows = fetch_all(fast, {netloc(srv.base)}, [(f"{srv.base}/slow.html", "report", {})])
    assert res.outcome == "error" and "Timeout" in (res.error or "")
    assert res.attempts == fast.crawl_retries + 1


def test_challenge_blocks_host_without_further_requests(fast):
    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/a.html"] = (412, [("Content-Type", "text/html")],
                                 b"<script>document.cookie='__jsl_clearance=1'</script>")
        srv.routes["/b.html"] = html("<p>b</p>")
        s = fast.model_copy(update={"crawl_host_concurrency": 1})
        results, rows = fetch_all(s, {netloc(srv.base)}, [(f"{srv.base}/a.html", "listing", {}),
                                                            (f"{srv.base}/b.html", "report", {})])
        assert "/b.html" not in srv.paths()
    assert [r.outcome for r in results] == ["blocked", "blocked"]
    assert results[0].body  # archived as evidence, but never handed on as content
    assert sum(1 for r in rows if r["outcome"] == "blocked") == 2


def test_size_cap_and_offsite_redirects(fast):
    s = fast.model_copy(update={"crawl_max_bytes": 1000})
    with Server() as other, Server() as srv:
        other.routes["/robots.txt"] = ROBOTS
        other.routes["/x.html"] = html("<p>elsewhere</p>")
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/big.pdf"] = (200, [("Content-Type", "application/pdf")], b"%PDF" + b"x" * 5000)
        srv.routes["/away"] = (302, [("Location", f"{other.base}/x.html")], b"")
        srv.routes["/loop"] = (302, [("Location", "/loop")], b"")
        srv.routes["/hop1"] = (301, [("Location", "/hop2")], b"")
        srv.routes["/hop2"] = (302, [("Location", "/final.html")], b"")
        srv.routes["/final.html"] = html("<p>final</p>")
        results, _ = fetch_all(s, {netloc(srv.base)}, [
            (f"{srv.base}/big.pdf", "attachment", {}), (f"{srv.base}/away", "report", {}),
            (f"{srv.base}/loop", "report", {}), (f"{srv.base}/hop1", "report", {})])
        assert other.log == []  # never left the allow-list
    big, away, loop, hops = results
    assert big.outcome == "too_large"
    assert away.outcome == "offsite"
    assert loop.outcome == "error" and "redirects" in loop.error
    assert hops.outcome == "ok" and hops.final_url.endswith("/final.html") and b"final" in hops.body


def test_conditional_request_gets_304(fast):
    def page(h):
        if h.headers.get("If-None-Match") == '"v1"':
            return 304, [("ETag", '"v1"')], b""
        return 200, [("ETag", '"v1"'), ("Content-Type", "text/html; charset=utf-8")], b"<p>v1</p>"

    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/c.html"] = page
        url = f"{srv.base}/c.html"
        (first,), _ = fetch_all(fast, {netloc(srv.base)}, [(url, "report", {})])
        (second,), _ = fetch_all(fast, {netloc(srv.base)}, [(url, "report", {"etag": first.headers["etag"]})])
    assert first.outcome == "ok" and second.outcome == "not_modified" and second.status == 304


def test_retry_after_longer_than_a_run_waits_is_left_for_next_run(fast):
    with Server() as srv:
        srv.routes["/robots.txt"] = ROBOTS
        srv.routes["/busy.html"] = (503, [("Retry-After", "3600"), ("Content-Type", "text/html")], b"busy")
        t0 = time.monotonic()
        (res,), _ = fetch_all(fast, {netloc(srv.base)}, [(f"{srv.base}/busy.html", "report", {})])
        assert time.monotonic() - t0 < 5
        assert srv.paths().count("/busy.html") == 1
    assert res.outcome == "http_error" and res.status == 503 and "next run" in res.error


def test_robots_crawl_delay_is_honoured(fast):
    robots = (200, [("Content-Type", "text/plain")], b"User-agent: *\nCrawl-delay: 0.4\n")
    with Server() as srv:
        srv.routes["/robots.txt"] = robots
        for i in range(3):
            srv.routes[f"/p{i}.html"] = html(f"<p>{i}</p>")
        fetch_all(fast, {netloc(srv.base)}, [(f"{srv.base}/p{i}.html", "report", {}) for i in range(3)])
        times = [h.at for h in srv.log if h.path != "/robots.txt"]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.4 - 0.03
