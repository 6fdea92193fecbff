"""Two test sessions share the project-managed Elasticsearch: the one that started it stops it
at its end only when no other session is still using it (before, a second session's tests lost
their server mid-run). The server is stood in for by a sleeping process: `stop` signals the pid
in es.pid, which is all these locks decide about."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from nianbao import es_server
from nianbao.settings import Settings


def _fake_server(home) -> int:
    """A detached sleeper (not our child: init reaps it, so a stopped one is gone, as ES is)."""
    out = subprocess.run(["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], capture_output=True,
                         text=True, check=True)
    pid = int(out.stdout.strip())
    (home / "es.pid").write_text(str(pid))
    return pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _other_session(home) -> subprocess.Popen:  # type: ignore[type-arg]
    """Another process that holds `in_use` until its stdin closes."""
    code = textwrap.dedent("""
        import sys
        from nianbao import es_server
        from nianbao.settings import Settings
        with es_server.in_use(Settings()):
            print("in use", flush=True)
            sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={"NIANBAO_ES_HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert proc.stdout and proc.stdout.readline().strip() == "in use"
    return proc


def test_server_outlives_the_session_that_started_it_while_another_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_ES_HOME", str(tmp_path))
    settings = Settings()
    server = _fake_server(tmp_path)
    other = _other_session(tmp_path)
    with es_server.in_use(settings):
        pass  # this session's tests
    assert es_server.stop_if_unused(settings) is False  # the other session still uses it
    time.sleep(0.2)
    assert _alive(server)
    assert other.stdin
    other.stdin.close()
    other.wait(10)
    assert es_server.stop_if_unused(settings) is True  # the last one out stops it
    assert not _alive(server)
    assert not (tmp_path / "es.pid").exists()
