"""The run context: a run's evidence run, time zone, rubric snapshot and owner (the run lock).

Revision ID: 0003_run_context
Revises: 0002_registry_manual
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_run_context"
down_revision: str | None = "0002_registry_manual"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "rubric_snapshots",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("stored", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("evidence_run_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=False,
                                   server_default="Asia/Shanghai"))
        batch.add_column(sa.Column("rubric_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("heartbeat", sa.DateTime(), nullable=True))
    # existing crawls are their own evidence; existing rescores point at their parent's evidence
    op.execute("UPDATE runs SET evidence_run_id = id WHERE kind <> 'rescore'")
    op.execute("UPDATE runs SET evidence_run_id = parent_run_id WHERE kind = 'rescore'")


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("heartbeat")
        batch.drop_column("owner")
        batch.drop_column("rubric_hash")
        batch.drop_column("timezone")
        batch.drop_column("evidence_run_id")
    op.drop_table("rubric_snapshots")
