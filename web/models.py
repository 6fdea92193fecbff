"""The portal's own tables: reviewers, and the audit trail of reviews and corrections."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from indexer.reviews import Review  # noqa: F401  (re-exported: the portal writes reviews)
from nianbao.db import Base


class AdminUser(Base):
    """An administrator or supervisor (besides `admin`, configured in settings)."""

    __tablename__ = "web_users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="supervisor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


