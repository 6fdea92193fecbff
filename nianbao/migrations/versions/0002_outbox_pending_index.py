"""Index the outbox by status first: each delivery run asks which subscriptions have pending
rows (`monitor.delivery.deliver`), and the outbox keeps every sent row, so without it that
question reads the whole (subscription_id, status) index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_pending", "monitor_outbox", ["status", "subscription_id"],
                    if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="monitor_outbox")
