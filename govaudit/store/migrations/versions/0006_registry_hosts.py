"""The registry's optional `hosts` field: further hosts of a site that are part of its crawl scope.

Revision ID: 0006_registry_hosts
Revises: 0005_typed_findings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_registry_hosts"
down_revision: str | None = "0005_typed_findings"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("registry_sites") as batch:
        batch.add_column(sa.Column("hosts", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("registry_sites") as batch:
        batch.drop_column("hosts")
