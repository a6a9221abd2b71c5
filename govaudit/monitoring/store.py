"""One site's daily pass into SQL, in one transaction: the column map with its validators and listings,
the first-seen ledger (entries taken over from a full audit, new ones, ones seen again, ones taken off),
suspected forged dates, and the site's figures of the day. Idempotent: storing the same pass twice (a
resumed run) changes nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from govaudit.monitoring.sitepass import SitePassItem
from govaudit.store import models as m
from govaudit.store.db import upsert

_DATES = ("last_checked", "last_read", "last_changed", "span_oldest", "latest", "first_day", "gone_day")


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def store_pass(session: Session, item: SitePassItem) -> None:
    day = dt.date.fromisoformat(item.day)
    site_id = item.site_id
    upsert(session, m.MonitorSite, [{
        "site_id": site_id, "basis_run_id": item.basis_run_id, "home_url": item.home_url,
        "nav_digest": item.nav_digest, "rediscovered": _date(item.rediscovered), "last_pass": day,
        "last_run_id": item.run_id,
    }], keys=["site_id"], update=["basis_run_id", "home_url", "nav_digest", "rediscovered", "last_pass",
                                  "last_run_id"])
    rows = [{**c, "site_id": site_id, "key_hash": m.key_hash(c["url"]), **{k: _date(c[k]) for k in _DATES}}
            for c in item.columns]
    upsert(session, m.MonitorColumn, rows, keys=["site_id", "key_hash"],
           update=[k for k in rows[0] if k not in ("site_id", "key_hash")] if rows else None)
    if item.seed_entries:
        seed_day = _date(item.seed_day) or day
        upsert(session, m.LedgerEntry, [{
            "site_id": site_id, "key_hash": m.key_hash(e["column_url"], e["url"]), "column_url": e["column_url"],
            "url": e["url"], "title": e["title"] or "", "list_date": _date(e["date"]), "seeded": True, "first_seen": seed_day, "last_seen": seed_day,
            "first_run_id": item.basis_run_id or "", "last_run_id": item.basis_run_id or ""}
            for e in item.seed_entries], keys=["site_id", "key_hash"])
    if item.baseline:
        upsert(session, m.LedgerEntry, [{
            "site_id": site_id, "key_hash": m.key_hash(e["column_url"], e["url"]), "column_url": e["column_url"],
            "url": e["url"], "title": e["title"] or "", "list_date": _date(e["date"]), "seeded": True,
            "first_seen": day, "last_seen": day, "first_run_id": item.run_id, "last_run_id": item.run_id}
            for e in item.baseline], keys=["site_id", "key_hash"])
    if item.new_entries:
        upsert(session, m.LedgerEntry, [{
            "site_id": site_id, "key_hash": m.key_hash(e["column_url"], e["url"]), "column_url": e["column_url"],
            "url": e["url"], "title": e["title"] or "", "list_date": _date(e["date"]), "url_date": _date(e["url_date"]), "page_date": _date(e["page_date"]),
            "seeded": False, "first_seen": day, "last_seen": day, "first_run_id": item.run_id,
            "last_run_id": item.run_id} for e in item.new_entries], keys=["site_id", "key_hash"])
    seen = sorted({m.key_hash(column_url, url) for column_url, url in item.seen})
    for i in range(0, len(seen), 400):
        session.execute(update(m.LedgerEntry).where(
            m.LedgerEntry.site_id == site_id, m.LedgerEntry.key_hash.in_(seen[i:i + 400]),
            m.LedgerEntry.last_seen <= day,
        ).values(last_seen=day, last_run_id=item.run_id, gone=None, gone_how=""))
    for gone in item.removed:
        session.execute(update(m.LedgerEntry).where(
            m.LedgerEntry.site_id == site_id, m.LedgerEntry.key_hash == m.key_hash(gone["column_url"], gone["url"]),
            m.LedgerEntry.gone.is_(None),
        ).values(gone=day, gone_how=gone["how"], last_run_id=item.run_id))
    if item.flags:
        upsert(session, m.DateFlag, [{
            "site_id": site_id, "key_hash": m.key_hash(f["url"], f["kind"]), "column_url": f["column_url"],
            "url": f["url"], "title": f["title"] or "",
            "kind": f["kind"], "list_date": _date(f["list_date"]), "other_date": _date(f["other_date"]),
            "day": day, "run_id": item.run_id, "evidence": f["evidence"], "status": "open"}
            for f in item.flags], keys=["site_id", "key_hash"])
    fig = item.figures
    upsert(session, m.MonitorSiteDay, [{
        "day": day, "site_id": site_id, "run_id": item.run_id, "reachable": item.reachable,
        "home_status": item.home_status, "home_changed": bool(fig["home_changed"]),
        "home_latest": _date(fig["home_latest"]), "columns_checked": fig["columns_checked"],
        "columns_changed": fig["columns_changed"], "columns_failed": fig["columns_failed"],
        "not_modified": fig["not_modified"], "blank_columns": fig["blank_columns"],
        "new_entries": fig["new_entries"], "removed_entries": fig["removed_entries"], "flags": fig["flags"],
        "requests": fig["requests"], "error": item.error,
    }], keys=["day", "site_id"], update=["run_id", "reachable", "home_status", "home_changed", "home_latest",
                                         "columns_checked", "columns_changed", "columns_failed", "not_modified",
                                         "blank_columns", "new_entries", "removed_entries", "flags", "requests",
                                         "error"])
