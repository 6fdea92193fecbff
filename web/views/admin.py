"""Administration (role admin): the registry, reviewers' accounts, and triggering a crawl.

A crawl runs in a background thread of the portal (crawl → index → monitor, the same stages as
the scheduler's pipeline job, with the portal's settings); the crawler's own lock keeps it to
one at a time, and its outcome is listed on the page."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from crawler.models import PublisherRow
from crawler.registry import load_registry

from .. import deps
from ..errors import BadRequest, Forbidden
from ..models import AdminUser
from ..respond import respond
from ..security import ROLES, login_required

bp = Blueprint("admin", __name__)
MIN_PASSWORD = 10


@bp.before_request
@login_required
def _admins_only() -> None:
    if session.get("role") != "admin":
        raise Forbidden("仅限管理员 / administrators only")


def _jobs(app: Flask) -> list[dict[str, Any]]:
    return app.extensions["nianbao"].setdefault("jobs", [])


def registry_rows(county: str | None, limit: int = 500) -> tuple[list[dict[str, Any]], int]:
    q = select(PublisherRow)
    if county:
        q = q.where(PublisherRow.county == county)
    s = deps.db()
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = s.scalars(q.order_by(PublisherRow.province, PublisherRow.city, PublisherRow.county,
                                PublisherRow.id).limit(limit))
    cols = ("id", "name", "level", "province", "city", "county", "deadline", "entry_url")
    return [{c: getattr(r, c) for c in cols} for r in rows], total


@bp.route("/admin")
@bp.route("/admin.<any(json):fmt>")
def index(fmt: str | None = None) -> Response:
    county = request.args.get("county") or None
    rows, total = registry_rows(county)
    users = [{"username": u.username, "role": u.role, "active": u.active}
             for u in deps.db().scalars(select(AdminUser).order_by(AdminUser.username))]
    data = {"publishers": rows, "publishers_total": total, "users": users,
            "jobs": list(reversed(_jobs(current_app)))[:20], "county": county}
    return respond("admin.html", data, fmt=fmt, roles=ROLES)


@bp.route("/admin/users", methods=["POST"])
def add_user() -> Response:
    name = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    role = request.form.get("role") or "supervisor"
    if not name or len(name) > 64 or name == "admin":
        raise BadRequest("用户名无效 / invalid user name")
    if role not in ROLES:
        raise BadRequest("角色无效 / invalid role")
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"密码至少 {MIN_PASSWORD} 个字符 / password needs {MIN_PASSWORD}+ characters")
    s = deps.db()
    user = s.get(AdminUser, name) or AdminUser(username=name)
    user.password_hash, user.role, user.active = generate_password_hash(password), role, True
    s.add(user)
    s.commit()
    flash(f"已保存用户 {name} / user saved")
    return redirect(url_for("admin.index"))


@bp.route("/admin/users/<name>/deactivate", methods=["POST"])
def deactivate(name: str) -> Response:
    s = deps.db()
    user = s.get(AdminUser, name)
    if user is None:
        raise BadRequest("没有这个用户 / no such user")
    user.active = False
    s.commit()
    flash(f"已停用 {name} / deactivated")
    return redirect(url_for("admin.index"))


def run_pipeline(app: Flask, job: dict[str, Any], only: set[str] | None) -> None:
    """Crawl → index → monitor with the portal's settings; outcome into `job`. The run is the
    top floor's (nianbao.app.pipeline.run_pipeline), given as config NIANBAO_PIPELINE."""
    settings = app.config["NIANBAO_SETTINGS"]
    try:
        publishers = load_registry(settings.registry_path)
        pipeline = app.config.get("NIANBAO_PIPELINE")
        if pipeline is None:
            raise RuntimeError("此门户未配置抓取流程 / no pipeline configured for this portal")
        run = pipeline(settings, publishers, only)
        job["result"] = {**run.crawl_counts(), "index": str(run.index), "monitor": str(run.monitor)}
        job["status"] = "done"
    except Exception as exc:  # noqa: BLE001 — shown on the admin page, never lost in a thread
        job["status"], job["error"] = "failed", str(exc)[:500]
    finally:
        job["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        app.extensions["nianbao"]["compliance"] = {}


@bp.route("/admin/crawl", methods=["POST"])
def crawl() -> Response:
    ids = {p.strip() for p in (request.form.get("publishers") or "").replace(",", " ").split() if p.strip()}
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = _jobs(app)
    if any(j["status"] == "running" for j in jobs):
        raise BadRequest("已有抓取在进行 / a crawl is already running")
    job = {"id": uuid.uuid4().hex[:8], "status": "running", "user": session["user"],
           "publishers": sorted(ids) or "all", "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    jobs.append(job)
    t = threading.Thread(target=run_pipeline, args=(app, job, ids or None), daemon=True,
                         name=f"crawl-{job['id']}")
    t.start()
    app.extensions["nianbao"].setdefault("threads", {})[job["id"]] = t
    flash("抓取已开始 / crawl started")
    return redirect(url_for("admin.index"))
