"""How the crawl reached a site: run_sites.tls_problem (certificate problems of the https home page) and
run_sites.reach (home-page hops, navigation read from a rendered page, columns left out by the budget).

Revision ID: 0010_site_reach
Revises: 0008_monitoring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_site_reach"
down_revision: str | None = "0008_monitoring"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("run_sites") as batch:
        batch.add_column(sa.Column("tls_problem", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reach", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("run_sites") as batch:
        batch.drop_column("reach")
        batch.drop_column("tls_problem")
