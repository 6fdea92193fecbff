"""Login for administrators and supervisors; reading is public."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ..security import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect to another site after login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("search.search")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if request.method == "POST":
        user = (request.form.get("username") or "").strip()
        role = authenticate(user, request.form.get("password") or "")
        if role:
            session.clear()
            session.update(user=user, role=role)
            return redirect(_safe_next(request.form.get("next")))
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
