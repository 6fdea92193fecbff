"""A review's key as text: a finding's key is its code and every cell it names
("BLANK_CELL@applications.new.natural_person,…"), past 200 characters when a table has many
blank cells; PostgreSQL refuses the longer value ("value too long"). SQLite does not enforce
VARCHAR lengths: nothing to do there (the model keeps VARCHAR(200) for it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("web_reviews", "path", type_=sa.Text(), existing_type=sa.String(200),
                    existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("web_reviews", "path", type_=sa.String(200), existing_type=sa.Text(),
                    existing_nullable=True)
