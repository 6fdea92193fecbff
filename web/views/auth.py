"""Login for administrators and supervisors; reading is public."""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from ..errors import WebError
from ..security import authenticate

bp = Blueprint("auth", __name__)
MAX_FAILURES, WINDOW = 5, 300.0  # failed logins per client address per 5 minutes
_LOCK = threading.Lock()


class TooManyAttempts(WebError):
    status = 429
    code = "too_many_attempts"


def _failures() -> list[float]:
    """Recent failed logins from this address (in-process: one waitress process serves all)."""
    book = current_app.extensions["nianbao"].setdefault("login_failures", {})
    now = time.monotonic()
    with _LOCK:
        recent = [t for t in book.get(request.remote_addr, []) if now - t < WINDOW]
        book[request.remote_addr] = recent
    return recent


_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never redirect to another site after login. The value is
    read as a browser would (controls and whitespace dropped, backslashes as slashes), and
    what is left must be a path without a host (`/`, a tab, `/evil.example` is `//evil.example`)."""
    path = _INVISIBLE.sub("", target or "").replace("\\", "/")
    parts = urlsplit(path)
    if path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc:
        return path
    return url_for("search.search")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if request.method == "POST":
        if len(_failures()) >= MAX_FAILURES:
            raise TooManyAttempts("登录失败次数过多，请 5 分钟后再试 / too many failed logins, try again in 5 minutes")
        user = (request.form.get("username") or "").strip()
        role = authenticate(user, request.form.get("password") or "")
        if role:
            session.clear()
            session.update(user=user, role=role)
            return redirect(_safe_next(request.form.get("next")))
        _failures().append(time.monotonic())
        flash("用户名或密码错误 / wrong user name or password")
        return render_template("login.html", next=request.form.get("next", "")), 401
    return render_template("login.html", next=request.args.get("next", ""))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("search.search"))
