"""Daily monitoring (日常监管): the column map with its validators, the first-seen ledger, suspected forged dates,
per-day site results, alerts and the notifications sent about them. URLs are text keyed by their digest
(key_hash), like the evidence tables'.

Revision ID: 0008_monitoring
Revises: 0007_archive
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_monitoring"
down_revision: str | None = "0007_archive"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("condition", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("cleared", sa.Date(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("last_details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_monitor_alert", "monitor_alerts", ["site_id", "condition"], unique=False)
    op.create_table(
        "monitor_columns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("parent_url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("rendered", sa.Boolean(), nullable=False),
        sa.Column("data_url", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("gone_day", sa.Date(), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=False),
        sa.Column("last_modified", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=True),
        sa.Column("last_read", sa.Date(), nullable=True),
        sa.Column("last_changed", sa.Date(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("span_oldest", sa.Date(), nullable=True),
        sa.Column("latest", sa.Date(), nullable=True),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.Column("blank_note", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "key_hash", name="uq_monitor_column"),
    )
    op.create_index(op.f("ix_monitor_columns_site_id"), "monitor_columns", ["site_id"], unique=False)
    op.create_table(
        "monitor_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=32), nullable=False),
        sa.Column("column_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("other_date", sa.Date(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "key_hash", name="uq_monitor_flag"),
    )
    op.create_index(op.f("ix_monitor_flags_site_id"), "monitor_flags", ["site_id"], unique=False)
    op.create_table(
        "monitor_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=32), nullable=False),
        sa.Column("column_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("url_date", sa.Date(), nullable=True),
        sa.Column("page_date", sa.Date(), nullable=True),
        sa.Column("seeded", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("gone", sa.Date(), nullable=True),
        sa.Column("gone_how", sa.String(length=40), nullable=False),
        sa.Column("first_run_id", sa.String(length=64), nullable=False),
        sa.Column("last_run_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "key_hash", name="uq_ledger"),
    )
    op.create_index("ix_ledger_site_seen", "monitor_ledger", ["site_id", "first_seen"], unique=False)
    op.create_table(
        "monitor_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref", "channel", "recipient", name="uq_monitor_notification"),
    )
    op.create_table(
        "monitor_site_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("home_status", sa.Integer(), nullable=True),
        sa.Column("home_changed", sa.Boolean(), nullable=False),
        sa.Column("home_latest", sa.Date(), nullable=True),
        sa.Column("columns_checked", sa.Integer(), nullable=False),
        sa.Column("columns_changed", sa.Integer(), nullable=False),
        sa.Column("columns_failed", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("blank_columns", sa.Integer(), nullable=False),
        sa.Column("new_entries", sa.Integer(), nullable=False),
        sa.Column("removed_entries", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("day", "site_id"),
    )
    op.create_table(
        "monitor_sites",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("basis_run_id", sa.String(length=64), nullable=True),
        sa.Column("home_url", sa.Text(), nullable=False),
        sa.Column("nav_digest", sa.String(length=64), nullable=False),
        sa.Column("rediscovered", sa.Date(), nullable=True),
        sa.Column("last_pass", sa.Date(), nullable=True),
        sa.Column("last_run_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("site_id"),
    )


def downgrade() -> None:
    op.drop_table("monitor_sites")
    op.drop_table("monitor_site_days")
    op.drop_table("monitor_notifications")
    op.drop_index("ix_ledger_site_seen", table_name="monitor_ledger")
    op.drop_table("monitor_ledger")
    op.drop_index(op.f("ix_monitor_flags_site_id"), table_name="monitor_flags")
    op.drop_table("monitor_flags")
    op.drop_index(op.f("ix_monitor_columns_site_id"), table_name="monitor_columns")
    op.drop_table("monitor_columns")
    op.drop_index("ix_monitor_alert", table_name="monitor_alerts")
    op.drop_table("monitor_alerts")
