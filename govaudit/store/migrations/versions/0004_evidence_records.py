"""Evidence records: unbounded URL/text columns keyed by a digest, every column entry stored as an article
(future-dated ones included, with the printed text of invalid dates), write failures kept on the site.

* pages, columns, articles, links, guides, letters: URL columns become TEXT; the natural-key unique constraint
  moves to (run_id, site_id, key_hash) with key_hash = blake2b-128 of the natural key, so no URL length can
  exceed an index row.
* articles.date_text: the date as printed when it is not a real date (2017-13-45).
* columns.future (a JSON copy of the entries dated after the as-of date) is gone: those entries become
  articles rows like the others, so a rescore at a later as-of date counts them.
* run_sites.url/final_url become TEXT; run_sites.write_errors lists evidence rows that could not be stored.
* probes.url becomes TEXT.

Revision ID: 0004_evidence_records
Revises: 0003_run_context
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004_evidence_records"
down_revision: str | None = "0003_run_context"
branch_labels: str | None = None
depends_on: str | None = None

# table -> (unique constraint, natural key, URL columns); frozen here as of this revision
KEYED: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "pages": ("uq_page", ("url",), ("url",)),
    "columns": ("uq_column", ("url",), ("url", "parent_url")),
    "articles": ("uq_article", ("column_url", "url"), ("column_url", "url")),
    "links": ("uq_link", ("page_url", "link_url"), ("page_url", "link_url")),
    "guides": ("uq_guide", ("url",), ("url",)),
    "letters": ("uq_letter", ("url",), ("url", "column_url")),
}
BATCH = 1000


def _key_hash(*parts: str | None) -> str:
    joined = "\x1f".join(p or "" for p in parts)
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _backfill_keys(table: str, natural: tuple[str, ...]) -> None:
    bind = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column("key_hash", sa.String),
                 *(sa.column(c, sa.Text) for c in natural))
    rows = bind.execute(sa.select(t.c.id, *(t.c[c] for c in natural))).all()
    update = sa.update(t).where(t.c.id == sa.bindparam("row_id")).values(key_hash=sa.bindparam("k"))
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        bind.execute(update, [{"row_id": r[0], "k": _key_hash(*r[1:])} for r in chunk])


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _move_future_entries() -> None:
    """columns.future entries -> articles rows (a duplicate of an existing article is skipped)."""
    bind = op.get_bind()
    cols = sa.table("columns", sa.column("id", sa.Integer), sa.column("run_id", sa.String),
                    sa.column("site_id", sa.String), sa.column("url", sa.Text), sa.column("future", sa.JSON),
                    sa.column("entries_count", sa.Integer))
    arts = sa.table("articles", sa.column("run_id", sa.String), sa.column("site_id", sa.String),
                    sa.column("key_hash", sa.String), sa.column("column_url", sa.Text), sa.column("url", sa.Text),
                    sa.column("title", sa.Text), sa.column("date", sa.Date), sa.column("date_text", sa.Text))
    for col_id, run_id, site_id, url, future, count in bind.execute(sa.select(cols)).all():
        if not future:
            continue
        existing = set(bind.scalars(sa.select(arts.c.key_hash).where(arts.c.run_id == run_id,
                                                                     arts.c.site_id == site_id)))
        rows = []
        for entry in future:
            if not isinstance(entry, dict):
                continue
            key = _key_hash(url, entry.get("url") or "")
            if key in existing:
                continue
            existing.add(key)
            rows.append({"run_id": run_id, "site_id": site_id, "key_hash": key, "column_url": url,
                         "url": entry.get("url") or "", "title": entry.get("title") or "",
                         "date": _date(entry.get("date")), "date_text": ""})
        if rows:
            bind.execute(sa.insert(arts), rows)
            bind.execute(sa.update(cols).where(cols.c.id == col_id)
                         .values(entries_count=(count or 0) + len(rows)))


def upgrade() -> None:
    for table, (_uq, natural, _urls) in KEYED.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("key_hash", sa.String(length=32), nullable=True))
            if table == "articles":
                batch.add_column(sa.Column("date_text", sa.Text(), nullable=False, server_default=""))
        _backfill_keys(table, natural)
    _move_future_entries()
    for table, (uq, _natural, urls) in KEYED.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(uq, type_="unique")
            batch.alter_column("key_hash", existing_type=sa.String(length=32), nullable=False)
            for name in urls:
                batch.alter_column(name, existing_type=sa.String(length=2000), type_=sa.Text())
            if table == "columns":
                batch.alter_column("name", existing_type=sa.String(length=300), type_=sa.Text())
                batch.drop_column("future")
            batch.create_unique_constraint(uq, ["run_id", "site_id", "key_hash"])
    with op.batch_alter_table("run_sites") as batch:
        batch.alter_column("url", existing_type=sa.String(length=2000), type_=sa.Text())
        batch.alter_column("final_url", existing_type=sa.String(length=2000), type_=sa.Text())
        batch.add_column(sa.Column("write_errors", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("probes") as batch:
        batch.alter_column("url", existing_type=sa.String(length=2000), type_=sa.Text())


def downgrade() -> None:
    with op.batch_alter_table("probes") as batch:
        batch.alter_column("url", existing_type=sa.Text(), type_=sa.String(length=2000))
    with op.batch_alter_table("run_sites") as batch:
        batch.drop_column("write_errors")
        batch.alter_column("final_url", existing_type=sa.Text(), type_=sa.String(length=2000))
        batch.alter_column("url", existing_type=sa.Text(), type_=sa.String(length=2000))
    for table, (uq, natural, urls) in KEYED.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(uq, type_="unique")
            for name in urls:
                batch.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=2000))
            if table == "columns":
                batch.alter_column("name", existing_type=sa.Text(), type_=sa.String(length=300))
                # future-dated entries stay in articles: the older scoring judges every article by its as-of date
                batch.add_column(sa.Column("future", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
            if table == "articles":
                batch.drop_column("date_text")
            batch.drop_column("key_hash")
            batch.create_unique_constraint(uq, ["run_id", "site_id", *natural])
