"""Portal accounts (administrators, supervisors, reviewers) as rows of `web_users`: created by
`nianbao users create` or the admin page. A generated password is returned once and only its
hash is stored."""

from __future__ import annotations

import secrets

from werkzeug.security import generate_password_hash

from nianbao.db import init_db, make_engine, make_session_factory
from nianbao.errors import UsageError

from .models import AdminUser
from .security import ROLES

MIN_PASSWORD = 10


def check(name: str, role: str, password: str) -> None:
    if not name or len(name) > 64 or name == "admin" or not name.isprintable() or name != name.strip():
        raise UsageError("用户名无效（admin 由设置 admin_password 配置）/ invalid user name "
                         "(admin is configured by the admin_password setting)")
    if role not in ROLES:
        raise UsageError(f"角色无效 / invalid role {role!r} ({', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符 / password needs {MIN_PASSWORD}+ characters")


def save_user(session, name: str, role: str, password: str | None = None) -> str:
    """Create the user, or reset its role and password (and re-activate it); returns the
    password (a random one when none is given)."""
    password = password or secrets.token_urlsafe(12)
    check(name, role, password)
    user = session.get(AdminUser, name) or AdminUser(username=name)
    user.password_hash, user.role, user.active = generate_password_hash(password), role, True
    session.add(user)
    session.commit()
    return password


def save_user_in(database_url: str, name: str, role: str, password: str | None = None) -> str:
    engine = make_engine(database_url)
    try:
        init_db(engine)
        with make_session_factory(engine)() as session:
            return save_user(session, name, role, password)
    finally:
        engine.dispose()
