"""`nianbao demo` end to end: a real subprocess brings up the portal with crawled data, answers a
search, a report page and the dashboard, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import json
import os
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


@pytest.mark.slow
def test_demo_serves_search_report_and_dashboard(tmp_path, es_url, es_prefix):
    port = _free_port()
    env = {**os.environ, "NIANBAO_DATA_DIR": str(tmp_path / "demo"), "NIANBAO_ES_URL": es_url,
           "NIANBAO_ES_PREFIX": f"{es_prefix}-demo", "PYTHONUNBUFFERED": "1"}
    log = open(tmp_path / "demo.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.cli", "demo", "--size", "tiny", "--date", "2025-03-15",
         "--year", "2024", "--port", str(port), "--sim-port", "0"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while "Ctrl-C" not in (tmp_path / "demo.log").read_text(errors="replace"):
            assert proc.poll() is None, (tmp_path / "demo.log").read_text(errors="replace")[-2000:]
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
