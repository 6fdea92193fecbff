"""The `nianbao simweb` commands: registry export, clock and faults through the control API."""

import httpx
import yaml
from click.testing import CliRunner

from simweb.cli import simweb
from simweb.server import SimWeb


def test_registry_export(tmp_path):
    out = tmp_path / "publishers.yaml"
    result = CliRunner().invoke(simweb, ["registry", "--seed", "1", "--size", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = yaml.safe_load(out.read_text("utf-8"))["publishers"]
    assert len(rows) > 50 and rows[0]["entry_url"].startswith("http://127.0.1.")
    assert all(len(r["code"]) == 12 for r in rows)


def test_clock_and_fault_commands():
    with SimWeb(seed=2, size="tiny", date="2025-01-05") as web:
        runner = CliRunner()
        r = runner.invoke(simweb, ["clock", "2025-03-01", "--control", web.control_url])
        assert r.exit_code == 0 and "2025-03-01" in r.output
        assert web.today.isoformat() == "2025-03-01"
        r = runner.invoke(simweb, ["fault", "error", "--site", "0", "--status", "502",
                                   "--control", web.control_url])
        assert r.exit_code == 0, r.output
        assert httpx.get(web.hosts[0] + "/").status_code == 502
        assert runner.invoke(simweb, ["fault", "clear", "--control", web.control_url]).exit_code == 0
        assert httpx.get(web.hosts[0] + "/").status_code == 200
        truth = httpx.get(web.control_url + "/_sim/truth").json()["reports"]
        assert len(truth) == len(web.world.visible_reports(web.today))
        r = runner.invoke(simweb, ["clock", "2025-99-01", "--control", web.control_url])
        assert r.exit_code != 0


def test_clock_without_server():
    r = CliRunner().invoke(simweb, ["clock", "--control", "http://127.0.0.1:9"])
    assert r.exit_code != 0


def test_serve_command_subprocess():
    import re
    import subprocess
    import sys

    cmd = [sys.executable, "-c", "from nianbao.app.cli import main; main()", "simweb", "serve",
           "--size", "tiny", "--port", "0", "--control-port", "0", "--date", "2025-02-01"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        control = None
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"(http://127\.0\.0\.1:\d+)/_sim/state", line)
            if m:
                control = m.group(1)
                break
        assert control
        state = httpx.get(control + "/_sim/state").json()
        assert state["date"] == "2025-02-01" and len(state["hosts"]) == 2
        assert httpx.get(state["hosts"][0] + "/robots.txt").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
