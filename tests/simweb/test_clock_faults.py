"""The world clock and faults on demand, over real HTTP."""

import socket
import time
from datetime import date, timedelta

import httpx
import pytest

from simweb.server import SimWeb


@pytest.fixture()
def web():
    with SimWeb(seed=1, size="demo", date="2025-01-10") as w:
        yield w


def _clock(web, day: str) -> None:
    r = httpx.post(web.control_url + "/_sim/clock", json={"date": day})
    assert r.status_code == 200 and r.json()["date"] == day


def test_clock_brings_new_reports(web):
    before = {d.path for d in web.world.visible_reports(date(2025, 1, 10))}
    later = web.world.visible_reports(date(2025, 2, 20))
    new = next(d for d in later if d.path not in before and d.year == 2024)
    base = web.hosts[new.site]
    assert httpx.get(base + new.path).status_code == 404
    _clock(web, "2025-02-20")
    assert httpx.get(base + new.path).status_code == 200
    assert httpx.get(web.control_url + "/_sim/state").json()["date"] == "2025-02-20"


def test_clock_edits_and_removals(web):
    docs = [d for i in range(4) for d in web.world.docs(i) if d.kind == "report"]
    edited = next(d for d in docs if d.edited and d.year == 2023)
    base = web.hosts[edited.site]
    _clock(web, edited.published.date().isoformat())
    first = httpx.get(base + (edited.attachment or edited.path))
    _clock(web, (edited.edited.date() + timedelta(days=1)).isoformat())
    second = httpx.get(base + (edited.attachment or edited.path))
    assert first.status_code == second.status_code == 200
    assert first.content != second.content and first.headers["etag"] != second.headers["etag"]
    gone = next(d for d in docs if d.removed)
    _clock(web, gone.removed.isoformat())
    assert httpx.get(web.hosts[gone.site] + gone.path).status_code == 404
    _clock(web, (gone.removed - timedelta(days=1)).isoformat())
    assert httpx.get(web.hosts[gone.site] + gone.path).status_code == 200


def test_bad_clock_request(web):
    r = httpx.post(web.control_url + "/_sim/clock", json={"date": "2025-13-01"})
    assert r.status_code == 400 and "error" in r.json()


def _fault(web, **spec):
    r = httpx.post(web.control_url + "/_sim/faults", json=spec)
    assert r.status_code == 200, r.text


def test_error_fault_with_retry_after_and_times(web):
    _fault(web, kind="error", site=0, path="/xxgk/", status=503, retry_after=3, times=2)
    url = web.hosts[0] + web.world.site(0).list_path
    for _ in range(2):
        r = httpx.get(url)
        assert r.status_code == 503 and r.headers["retry-after"] == "3"
    assert httpx.get(url).status_code == 200
    assert httpx.get(web.hosts[1] + web.world.site(1).list_path).status_code == 200


def test_slow_and_hang(web):
    _fault(web, kind="slow", site=0, path="/robots.txt", delay=0.5)
    t = time.monotonic()
    assert httpx.get(web.hosts[0] + "/robots.txt").status_code == 200
    assert time.monotonic() - t >= 0.5
    _fault(web, kind="hang", site=1, path="/robots.txt")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(web.hosts[1] + "/robots.txt", timeout=0.5)


def test_redirect_chain_and_loop(web):
    _fault(web, kind="redirect", site=0, path="/robots.txt", hops=3)
    r = httpx.get(web.hosts[0] + "/robots.txt", follow_redirects=True)
    assert r.status_code == 200 and len(r.history) == 3
    _fault(web, kind="redirect", site=1, path="/robots.txt", hops=0)
    with pytest.raises(httpx.TooManyRedirects):
        with httpx.Client(max_redirects=5, follow_redirects=True) as client:
            client.get(web.hosts[1] + "/robots.txt")


def test_truncated_body(web):
    _fault(web, kind="truncate", site=0, path="/xxgk/")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(web.hosts[0] + web.world.site(0).list_path)


def test_wrong_charset(web):
    i = next(i for i, s in enumerate(web.world.sites) if s.encoding == "gbk")
    _fault(web, kind="charset", site=i, path="/")
    r = httpx.get(web.hosts[i] + web.world.site(i).list_path)
    assert "charset=utf-8" in r.headers["content-type"]
    assert "政府信息公开年报".encode("gbk") in r.content  # the bytes are still GBK


def test_challenge_and_forbidden(web):
    _fault(web, kind="challenge", site=0, path="/")
    r = httpx.get(web.hosts[0] + "/")
    assert r.status_code == 412 and "<script" in r.text and "__jsl_clearance" in r.text
    _fault(web, kind="forbidden", site=1, path="/")
    assert httpx.get(web.hosts[1] + "/").status_code == 403
    httpx.delete(web.control_url + "/_sim/faults")
    assert httpx.get(web.hosts[0] + "/").status_code == 200


def test_unknown_fault_rejected(web):
    r = httpx.post(web.control_url + "/_sim/faults", json={"kind": "explode"})
    assert r.status_code == 400


def test_sites_have_distinct_addresses(web):
    hosts = {httpx.URL(h).host for h in web.hosts}
    assert len(hosts) == len(web.hosts)
    with socket.create_connection((httpx.URL(web.hosts[2]).host, httpx.URL(web.hosts[2]).port)):
        pass
