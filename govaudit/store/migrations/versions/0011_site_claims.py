"""Site claims: run_sites.claimed_by and run_sites.claim_expires, the crawler process holding a site while
several share one run a whole site at a time (govaudit.store.claims).

Revision ID: 0011_site_claims
Revises: 0010_site_reach
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_site_claims"
down_revision: str | None = "0010_site_reach"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("run_sites") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("claim_expires", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_sites") as batch:
        batch.drop_column("claim_expires")
        batch.drop_column("claimed_by")
