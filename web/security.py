"""CSRF on every form, security headers with a strict CSP, and the administrators' login."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash

from . import deps
from .models import AdminUser

csrf = CSRFProtect()

# No inline scripts or styles: every script and stylesheet is a static file of the app.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
ROLES = ("admin", "supervisor", "reviewer")  # all may review; only admin administers


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    headers = dict(HEADERS)
    settings = app.config["NIANBAO_SETTINGS"]
    if settings.base_url.lower().startswith("https://") and settings.hsts_max_age > 0:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age}; includeSubDomains"

    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in headers.items():
            resp.headers.setdefault(k, v)
        return resp


def _hash_matches(stored: str, password: str) -> bool:
    # A werkzeug hash ("scrypt:…", "pbkdf2:…") or, for a dev setup, the password itself.
    if stored.startswith(("scrypt:", "pbkdf2:")):
        return check_password_hash(stored, password)
    return hmac.compare_digest(stored.encode(), password.encode())


def authenticate(username: str, password: str) -> str | None:
    """The role of a valid user, else None. `admin` is configured by settings.admin_password;
    further admins and supervisors are rows of web.models.AdminUser."""
    if not password:
        return None
    configured = deps.settings().admin_password
    if username == "admin" and configured:
        return "admin" if _hash_matches(configured, password) else None
    user = deps.db().get(AdminUser, username)
    if user and user.active and check_password_hash(user.password_hash, password):
        return user.role
    return None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if session.get("role") not in ROLES:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped
