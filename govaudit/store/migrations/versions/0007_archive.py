"""The evidence archive: the index of every run's WARC records and the screenshots taken from them.

Revision ID: 0007_archive
Revises: 0009_notice
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_archive"
down_revision: str | None = "0009_notice"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "archive_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("warc_file", sa.String(length=500), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_archive_run_url", "archive_records", ["run_id", "url"])
    op.create_index("ix_archive_digest", "archive_records", ["digest"])
    op.create_index("ix_archive_file", "archive_records", ["warc_file"])
    op.create_table(
        "screenshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "site_id", "url", name="uq_screenshot"),
    )
    op.create_index("ix_screenshots_run_id", "screenshots", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_screenshots_run_id", table_name="screenshots")
    op.drop_table("screenshots")
    op.drop_index("ix_archive_file", table_name="archive_records")
    op.drop_index("ix_archive_digest", table_name="archive_records")
    op.drop_index("ix_archive_run_url", table_name="archive_records")
    op.drop_table("archive_records")
