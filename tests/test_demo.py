"""`nianbao demo` end to end: a real subprocess brings up the portal with crawled data, answers a
search, a report page and the dashboard; prints a reviewer login that works; shows the mails it
sends on its local mailbox (a confirmation after subscribing by e-mail, then an alert once the
world clock has been moved forward from the admin page); has reports with two versions; and
stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read()


class Browser:
    """Cookies and CSRF tokens, like a person's browser session."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path if path.startswith("/") else path, timeout=30) as r:
                return r.status, r.read().decode(), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.geturl()

    def post(self, path: str, form: dict[str, str], page: str | None = None) -> tuple[int, str, str]:
        html = self.get(page or path)[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert token, html[:500]
        data = urllib.parse.urlencode({**form, "csrf_token": token.group(1)}).encode()
        url = self.base + path if path.startswith("/") else path
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=60) as r:
                return r.status, r.read().decode(), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.geturl()


def _mails(base: str) -> list[dict]:
    return json.loads(_get(f"{base}/demo/mailbox?format=json")[1])["messages"]


@pytest.mark.slow
def test_demo_serves_search_report_and_dashboard(tmp_path, es_url, es_prefix):
    port = _free_port()
    env = {**os.environ, "NIANBAO_DATA_DIR": str(tmp_path / "demo"), "NIANBAO_ES_URL": es_url,
           "NIANBAO_ES_PREFIX": f"{es_prefix}-demo", "PYTHONUNBUFFERED": "1"}
    env.pop("NIANBAO_ADMIN_PASSWORD", None)
    log = open(tmp_path / "demo.log", "w+")
    # Before the townships' deadline (Jan 31), the clock still (--days 0), alerts every 2 s.
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.app.cli", "demo", "--size", "tiny", "--date", "2025-01-27",
         "--year", "2024", "--port", str(port), "--sim-port", "0", "--days", "0", "--tick", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    out = ""
    try:
        deadline = time.monotonic() + 600
        while "Ctrl-C" not in (out := (tmp_path / "demo.log").read_text(errors="replace")):
            assert proc.poll() is None, out[-2000:]
            assert time.monotonic() < deadline, "demo did not come up"
            time.sleep(1)
        status, body = _get(f"{base}/api/search?q={urllib.parse.quote('year:2024')}")
        hits = json.loads(body)["hits"]
        assert status == 200 and hits, "the demo indexed nothing"
        status, page = _get(f"{base}/reports/{urllib.parse.quote(hits[0]['id'])}")
        assert status == 200 and hits[0]["title"].encode() in page
        status, body = _get(f"{base}/api/compliance?year=2024")
        counts = json.loads(body)["counts"]
        assert status == 200 and counts["on_time"] > 0
        status, page = _get(f"{base}/compliance?year=2024")
        assert status == 200 and "合规".encode() in page

        # Reports with two versions (the demo visits the web once earlier, then edits happen).
        two = 0
        for year in (2022, 2023, 2024):
            for hit in json.loads(_get(f"{base}/api/search?q=year:{year}&size=100&facets=0")[1])["hits"]:
                rep = json.loads(_get(f"{base}/api/reports/{urllib.parse.quote(hit['id'])}")[1])
                two += len(rep["versions"]) >= 2
        assert two >= 2, f"{two} report(s) with two versions"

        # The reviewer's login is printed, and works.
        m = re.search(r"user: reviewer\s+密码 password: (\S+)", out)
        assert m, out[-1500:]
        reviewer = Browser(base)
        status, page, _ = reviewer.post("/login", {"username": "reviewer", "password": m.group(1)})
        assert status == 200 and '<span class="user">reviewer</span>' in page
        assert reviewer.get("/admin")[0] == 403
        assert "/demo/mailbox" in out

        # Subscribe by e-mail: the confirmation arrives in the demo's mailbox.
        pub = json.loads(_get(f"{base}/api/compliance?year=2024")[1])["publishers"][0]
        person = Browser(base)
        status, page, manage = person.post("/subscriptions/new", {
            "kind": "region_compliance", "channel": "email", "target": "watch@example.org",
            "province": pub["province"], "mode": "immediate"})
        assert status == 200 and "/subscriptions/" in manage, page[:1000]
        mails = _mails(base)
        assert len(mails) == 1 and mails[0]["to"] == "watch@example.org"
        confirm = re.search(r"https?://\S+/confirm", mails[0]["text"]).group(0)
        mailbox = person.get("/demo/mailbox")[1]
        assert mails[0]["subject"] in mailbox and f'href="{confirm}"' in mailbox
        status, page, _ = person.post(confirm, {})
        assert status == 200 and "生效中" in page

        # The administrator (login printed too) moves the world past the deadline: the missing
        # townships' alert arrives in the mailbox, sent by the demo's own scheduler.
        m = re.search(r"user: admin\s+密码 password: (\S+)", out)
        admin = Browser(base)
        assert admin.post("/login", {"username": "admin", "password": m.group(1)})[0] == 200
        assert 'id="demo-clock"' in admin.get("/admin")[1]
        status, page, _ = admin.post("/demo/clock", {"days": "10"}, page="/admin")
        assert status == 200 and 'id="demo-clock"' in page
        until = time.monotonic() + 180
        while len(mails := _mails(base)) < 2:
            assert time.monotonic() < until, f"no alert arrived: {mails}\n{(tmp_path / 'demo.log').read_text()[-2000:]}"
            time.sleep(1)
        alert = mails[0]
        assert alert["to"] == "watch@example.org" and "未按期发布" in alert["text"] + alert["subject"]
        assert alert["unsubscribe"]
        status, body = _get(f"{base}/api/compliance?year=2024")
        assert json.loads(body)["counts"]["missing"] > 0  # the portal's today moved with the world
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode is not None
    with pytest.raises(OSError):  # the portal is gone
        _get(f"{base}/")


def test_demo_settings_are_given_not_written_to_the_environment(tmp_path, monkeypatch):
    """The demo configures what it runs with a Settings object; os.environ stays as it was."""
    from nianbao.app.demo import demo_settings
    from nianbao.settings import Settings, get_settings

    monkeypatch.delenv("NIANBAO_CRAWL_DELAY_SECONDS", raising=False)
    before = dict(os.environ)
    registry = tmp_path / "publishers.yaml"
    s = demo_settings(get_settings(), tmp_path / "d", "http://127.0.0.1:9", registry, smtp_port=2525,
                      base_url="http://127.0.0.1:5001", admin_password="pw")
    assert dict(os.environ) == before
    assert (s.data_path, s.es_url, s.registry_path, s.smtp_host, s.smtp_port, s.base_url,
            s.admin_password, s.crawl_delay_seconds) == (
        tmp_path / "d", "http://127.0.0.1:9", registry, "127.0.0.1", 2525, "http://127.0.0.1:5001",
        "pw", 0.2)
    assert s.database_url == f"sqlite:///{tmp_path / 'd' / 'state.db'}"
    monkeypatch.setenv("NIANBAO_CRAWL_DELAY_SECONDS", "0.7")  # what the operator set is kept
    assert "crawl_delay_seconds" in Settings.from_environment()
    base = Settings()
    s = demo_settings(base, tmp_path / "d", "http://127.0.0.1:9", registry, smtp_port=2525,
                      base_url="http://127.0.0.1:5001")
    assert s.crawl_delay_seconds == 0.7 and s.admin_password == base.admin_password
