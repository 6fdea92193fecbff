"""A project-managed local PostgreSQL for development and the tests (like `es_server`).

Debian's `postgresql` package provides the binaries (`/usr/lib/postgresql/<v>/bin`); the
cluster is made by `initdb` under `var/pg/` (ignored by git), runs on 127.0.0.1 on a free port,
with password authentication (a random password kept in `var/pg/password`, mode 0600) and no
Unix socket. PostgreSQL refuses to run as root, so as root it runs as a dedicated system user.
It trades durability for speed (fsync off): it is for tests and trials, never for production
data — production uses its own PostgreSQL (docker-compose.yml, docs/operations.md).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

from .errors import NianbaoError, ServiceUnavailable
from .settings import Settings
from .sysuser import service_user

PG_USER = "nianbao-pg"  # the system user the server runs as, when we are root
SUPERUSER = "nianbao"  # the cluster's superuser (the tests and `nianbao pg` connect as it)


def home() -> Path:
    """Settings.pg_home: var/pg in the checkout, unless a parent folder would keep the server's
    user out (as for Elasticsearch); NIANBAO_PG_HOME overrides."""
    return Settings().pg_home  # read now (not the cached settings): tests point it elsewhere


def _say(msg: str) -> None:
    print(f"[pg] {msg}", flush=True)


def bin_dir() -> Path:
    """The newest server binaries Debian installed (or pg_ctl on PATH)."""
    found = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        if (d / "pg_ctl").exists() and re.fullmatch(r"\d+", d.parent.name):
            found.append((int(d.parent.name), d))
    if found:
        return max(found)[1]
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).resolve().parent
    raise NianbaoError("找不到 PostgreSQL 服务器 / PostgreSQL server not found: "
                       "apt-get install postgresql (scripts/setup installs it)")


def _user() -> str | None:
    return service_user(PG_USER)


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


def _run(cmd: list[str], user: str | None, what: str) -> None:
    res = subprocess.run(_as_user(cmd, user), capture_output=True, text=True, cwd="/")
    if res.returncode != 0:
        raise ServiceUnavailable(f"PostgreSQL {what} failed: {(res.stderr or res.stdout).strip()[-500:]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _password(h: Path) -> str:
    return (h / "password").read_text().strip()


def init(user: str | None = None) -> Path:
    """Make the cluster once (initdb); later calls reuse it. Returns the data folder."""
    h = home()
    data = h / "data"
    if (data / "PG_VERSION").exists():
        return data
    user = user if user is not None else _user()
    h.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(data, ignore_errors=True)
    password = secrets.token_urlsafe(24)
    (h / "password").write_text(password)
    (h / "password").chmod(0o600)
    pwfile = h / f".pw-{os.getpid()}"
    pwfile.write_text(password)
    pwfile.chmod(0o600)
    if user:
        subprocess.run(["chown", f"{user}:{user}", str(h), str(pwfile)], check=True)
    try:
        _run([str(bin_dir() / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8",
              "--locale=C.UTF-8", "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-instructions"],
             user, "initdb")
    finally:
        pwfile.unlink(missing_ok=True)
    _say(f"cluster made in {data}")
    return data


def _port_file() -> Path:
    return home() / "port"


def admin_url(port: int | None = None) -> str:
    """URL of the maintenance database `postgres` (SQLAlchemy form)."""
    if port is None:
        port = int(_port_file().read_text())
    return f"postgresql+psycopg://{SUPERUSER}:{_password(home())}@127.0.0.1:{port}/postgres"


def _ready(url: str) -> bool:
    import psycopg  # the PostgreSQL driver (≈0.2 s): only with PostgreSQL

    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def running() -> bool:
    return (home() / "data" / "postmaster.pid").exists() and _port_file().exists() and _ready(admin_url())


def start(timeout: float = 60.0) -> str:
    """Start (or reuse) the server; returns the admin URL once it accepts connections."""
    if running():
        url = admin_url()
        _say(f"already running on 127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}")
        return url
    user = _user()
    data = init(user)
    port = _free_port()
    log = home() / "postgresql.log"
    if user:
        subprocess.run(["chown", "-R", f"{user}:{user}", str(data)], check=True)
        log.touch()
        subprocess.run(["chown", f"{user}:{user}", str(log)], check=True)
    opts = (f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
    _say(f"starting PostgreSQL ({bin_dir().parent.name}) on 127.0.0.1:{port} as {user or 'current user'}")
    _run([str(bin_dir() / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", str(int(timeout)),
          "-o", opts, "start"], user, "start")
    _port_file().write_text(str(port))
    url = admin_url(port)
    deadline = time.monotonic() + timeout
    while not _ready(url):
        if time.monotonic() > deadline:
            raise ServiceUnavailable(f"PostgreSQL not accepting connections after {timeout:.0f}s (see {log})")
        time.sleep(0.2)
    return url


def stop() -> bool:
    data = home() / "data"
    if not (data / "postmaster.pid").exists():
        return False
    _run([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], _user(), "stop")
    _port_file().unlink(missing_ok=True)
    _say("stopped")
    return True


def status() -> dict:
    return {"home": str(home()), "initialised": (home() / "data" / "PG_VERSION").exists(),
            "running": running(), "port": int(_port_file().read_text()) if _port_file().exists() else None}


def create_database(name: str, template: str | None = None) -> str:
    """Create database `name` (optionally a copy of `template`); returns its URL."""
    import psycopg  # the PostgreSQL driver (≈0.2 s): only with PostgreSQL
    from psycopg import sql  # only with PostgreSQL

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise NianbaoError(f"bad database name {name!r}")
    with psycopg.connect(admin_url().replace("+psycopg", ""), autocommit=True) as conn:
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template))
        conn.execute(stmt)
    return admin_url().rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    """Drop database `name`, ending its connections (engines a test left open)."""
    import psycopg  # the PostgreSQL driver (≈0.2 s): only with PostgreSQL
    from psycopg import sql  # only with PostgreSQL

    with psycopg.connect(admin_url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def ensure_database(name: str) -> str:
    """The URL of database `name`, created when missing."""
    import psycopg  # the PostgreSQL driver (≈0.2 s): only with PostgreSQL

    with psycopg.connect(admin_url().replace("+psycopg", ""), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return admin_url().rsplit("/", 1)[0] + "/" + name if exists else create_database(name)
