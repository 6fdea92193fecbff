"""The portal's own tables: reviewers, and the audit trail of reviews and corrections."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nianbao.db import Base


def _now() -> datetime:
    return datetime.now(UTC)


class AdminUser(Base):
    """An administrator or supervisor (besides `admin`, configured in settings)."""

    __tablename__ = "web_users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="supervisor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Review(Base):
    """A decision on a finding (confirm / dismiss), or a corrected cell, with who/when/why.

    For a correction, `path` is the contract path of the cell, `old_value` the value the parser
    read (the original parse is kept), and `new_value` the value used from then on.
    """

    __tablename__ = "web_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # confirm | dismiss | correct
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(String(200), nullable=True)
    old_value: Mapped[object | None] = mapped_column(JSON, nullable=True)
    new_value: Mapped[object | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    user: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
