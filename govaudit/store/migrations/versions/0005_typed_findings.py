"""Typed findings: check kind, subject URL and the evidence rows a finding cites.

Existing findings are converted once: the check kind moves out of the evidence JSON (where scoring kept it)
into `check`; `subject_url` is the first of the evidence keys column_url, url, link_url, page_url; and
`evidence_refs` cites the columns, pages and links of the run's evidence that the evidence JSON names. Rescore
runs of rescore runs are pointed at the crawl that holds their evidence.

Revision ID: 0005_typed_findings
Revises: 0003_run_context
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_typed_findings"
down_revision: str | None = "0004_evidence_records"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the rules of govaudit/scoring/subjects.py as they were when this migration was written.
SUBJECT_KEYS = ("column_url", "url", "link_url", "page_url")
COLUMN_KEYS = ("column_url", "columns", "url", "urls")  # keys whose URLs may be columns
PAGE_KEYS = ("page_url", "pages", "url")  # keys whose URLs may be pages
BATCH = 500

runs = sa.table("runs", sa.column("id", sa.String), sa.column("kind", sa.String),
                sa.column("evidence_run_id", sa.String))
findings = sa.table("findings", sa.column("id", sa.Integer), sa.column("run_id", sa.String),
                    sa.column("site_id", sa.String), sa.column("evidence", sa.JSON), sa.column("check", sa.String),
                    sa.column("subject_url", sa.Text), sa.column("evidence_refs", sa.JSON))
columns = sa.table("columns", sa.column("run_id", sa.String), sa.column("site_id", sa.String),
                   sa.column("url", sa.String))
pages = sa.table("pages", sa.column("run_id", sa.String), sa.column("site_id", sa.String), sa.column("url", sa.String))
links = sa.table("links", sa.column("run_id", sa.String), sa.column("site_id", sa.String),
                 sa.column("page_url", sa.String), sa.column("link_url", sa.String))


def _subject(evidence: Any) -> str:
    if isinstance(evidence, dict):
        for key in SUBJECT_KEYS:
            value = evidence.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


def _urls(evidence: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = evidence.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                item = next((item[k] for k in SUBJECT_KEYS if isinstance(item.get(k), str)), None)
            if isinstance(item, str) and item and item not in out:
                out.append(item)
    return out


def _refs(evidence: Any, cols: set[str], pgs: set[str], lnks: set[tuple[str, str]]) -> list[dict[str, str]]:
    if not isinstance(evidence, dict):
        return []
    out: list[dict[str, str]] = []
    link, page = evidence.get("link_url"), evidence.get("page_url")
    if isinstance(link, str) and isinstance(page, str) and (page, link) in lnks:
        out.append({"table": "links", "page_url": page, "link_url": link})
    out.extend({"table": "columns", "url": url} for url in _urls(evidence, COLUMN_KEYS) if url in cols)
    out.extend({"table": "pages", "url": url} for url in _urls(evidence, PAGE_KEYS) if url in pgs)
    return out


def _evidence_runs(conn: sa.Connection) -> dict[str, str]:
    """run id -> the crawl holding its evidence (rescores of rescores followed to the crawl)."""
    rows = {r.id: (r.kind, r.evidence_run_id or r.id) for r in conn.execute(sa.select(runs))}
    out: dict[str, str] = {}
    for run_id in rows:
        target, seen = rows[run_id][1], {run_id}
        while target in rows and rows[target][0] == "rescore" and rows[target][1] not in seen:
            seen.add(target)
            target = rows[target][1]
        out[run_id] = target
    return out


def _site_keys(conn: sa.Connection, run_id: str) -> tuple[dict, dict, dict]:
    cols: dict[str, set[str]] = defaultdict(set)
    pgs: dict[str, set[str]] = defaultdict(set)
    lnks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for site_id, url in conn.execute(sa.select(columns.c.site_id, columns.c.url).where(columns.c.run_id == run_id)):
        cols[site_id].add(url)
    for site_id, url in conn.execute(sa.select(pages.c.site_id, pages.c.url).where(pages.c.run_id == run_id)):
        pgs[site_id].add(url)
    for site_id, page_url, link_url in conn.execute(
        sa.select(links.c.site_id, links.c.page_url, links.c.link_url).where(links.c.run_id == run_id)
    ):
        lnks[site_id].add((page_url, link_url))
    return cols, pgs, lnks


def _convert(conn: sa.Connection) -> None:
    evidence_of = _evidence_runs(conn)
    for run_id in sorted(set(evidence_of)):
        if evidence_of[run_id] != run_id:
            conn.execute(sa.update(runs).where(runs.c.id == run_id).values(evidence_run_id=evidence_of[run_id]))
    run_ids = [r for (r,) in conn.execute(sa.select(findings.c.run_id).distinct())]
    for run_id in run_ids:
        cols, pgs, lnks = _site_keys(conn, evidence_of.get(run_id, run_id))
        updates: list[dict[str, Any]] = []
        rows = conn.execute(sa.select(findings.c.id, findings.c.site_id, findings.c.evidence)
                            .where(findings.c.run_id == run_id)).all()
        for fid, site_id, evidence in rows:
            ev = dict(evidence) if isinstance(evidence, dict) else evidence
            check = str(ev.pop("check", "") or "") if isinstance(ev, dict) else ""
            updates.append({
                "fid": fid, "check": check, "subject_url": _subject(ev),
                "evidence_refs": _refs(ev, cols[site_id], pgs[site_id], lnks[site_id]),
                "evidence": ev if ev is not None else {},
            })
        for i in range(0, len(updates), BATCH):
            conn.execute(
                sa.update(findings).where(findings.c.id == sa.bindparam("fid")).values(
                    check=sa.bindparam("check"), subject_url=sa.bindparam("subject_url"),
                    evidence_refs=sa.bindparam("evidence_refs"), evidence=sa.bindparam("evidence")),
                updates[i : i + BATCH],
            )


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("check", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("subject_url", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("evidence_refs", sa.JSON(), nullable=True))
    _convert(op.get_bind())
    with op.batch_alter_table("findings") as batch:
        batch.alter_column("evidence_refs", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(findings.c.id, findings.c.evidence, findings.c.check)
                        .where(findings.c.check != "")).all()
    updates = [{"fid": fid, "evidence": {**evidence, "check": check}}
               for fid, evidence, check in rows if isinstance(evidence, dict)]
    for i in range(0, len(updates), BATCH):
        conn.execute(sa.update(findings).where(findings.c.id == sa.bindparam("fid"))
                     .values(evidence=sa.bindparam("evidence")), updates[i : i + BATCH])
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("evidence_refs")
        batch.drop_column("subject_url")
        batch.drop_column("check")
