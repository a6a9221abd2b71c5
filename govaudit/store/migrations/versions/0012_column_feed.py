"""Script-fed lists: columns.feed_url, the request a column page's own script makes for its list when the audit
read the list from it without a browser (govaudit.extract.feeds).

Revision ID: 0012_column_feed
Revises: 0011_site_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_column_feed"
down_revision: str | None = "0011_site_claims"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("columns") as batch:
        batch.add_column(sa.Column("feed_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("columns") as batch:
        batch.drop_column("feed_url")
