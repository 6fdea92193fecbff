"""The system user a local server runs as: Elasticsearch and PostgreSQL refuse to run as root."""

from __future__ import annotations

import os
import pwd
import subprocess


def service_user(name: str) -> str | None:
    """None when we are not root (the server runs as us); else `name`, created as a system user
    without a home or a login shell the first time."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        name], check=True)
    return name
