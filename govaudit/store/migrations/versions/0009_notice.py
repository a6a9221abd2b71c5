"""The 「我为政府网站找错」 messages imported from the platform's export.

Revision ID: 0009_notice
Revises: 0005_typed_findings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_notice"
down_revision: str | None = "0006_registry_hosts"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "zhaocuo_messages",
        sa.Column("message_id", sa.String(length=100), primary_key=True),
        sa.Column("site_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("site_name", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("replied", sa.Date(), nullable=True),
        sa.Column("finished", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("source", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("imported", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_zhaocuo_messages_site_id", "zhaocuo_messages", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_zhaocuo_messages_site_id", table_name="zhaocuo_messages")
    op.drop_table("zhaocuo_messages")
