"""Site claims: several crawler processes share one run a whole site at a time, through its `run_sites` rows.

A worker claims a site (`claimed_by` = the worker, `claim_expires` = now + lease) before requesting its home
page, renews the lease of everything it holds while it works, and releases the site (`claimed_by` = NULL)
once the site is scored and its evidence stored and archived. A site is claimable while it is not scored
and nobody holds it: never claimed, or held by a worker whose lease expired (it died). Taking an expired
claim over clears the site's partial evidence first (`reset_sites`), so the site is crawled again from its
home page and the run ends with what an uninterrupted one gives.

Every claim is one conditional UPDATE on the row as it was read (optimistic): two workers reading the same
candidate cannot both win it, on SQLite (one writer) or PostgreSQL (the row lock re-checks the WHERE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from govaudit.store import models as m
from govaudit.store.runs import reset_sites

CANDIDATES = 16  # rows read per claim attempt: enough that workers racing for the first ones still find one


@dataclass(frozen=True)
class Claimed:
    site_id: str
    taken_from: str | None  # the dead worker whose expired claim this was, or None (never claimed)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _claimable(run_id: str, now: dt.datetime):
    rs = m.RunSite
    return and_(rs.run_id == run_id, rs.done.is_(False),
                or_(rs.claimed_by.is_(None), rs.claim_expires < now))


def claim_next(session: Session, run_id: str, worker: str, lease_s: float,
               among: frozenset[str] | None = None) -> Claimed | None:
    """Claim one claimable site of the run for `worker` (`among`: only these ids); None when none is left.
    Commits: the claim (and a taken-over site's reset) is visible to the other workers at once."""
    rs = m.RunSite
    now = _now()
    query = select(rs.site_id, rs.claimed_by, rs.claim_expires).where(_claimable(run_id, now))
    if among is not None:
        query = query.where(rs.site_id.in_(sorted(among)))
    for site_id, holder, expires in session.execute(query.order_by(rs.site_id).limit(CANDIDATES)).all():
        same = (rs.claimed_by.is_(None) if holder is None
                else and_(rs.claimed_by == holder, rs.claim_expires == expires))
        won = session.execute(update(rs).where(rs.run_id == run_id, rs.site_id == site_id, rs.done.is_(False), same)
                              .values(claimed_by=worker, claim_expires=now + dt.timedelta(seconds=lease_s)))
        if won.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another worker took it between the read and the update
        if holder is not None:  # its holder died mid-site: what it gathered is cleared, the site starts again
            reset_sites(session, run_id, [site_id])
            session.execute(update(rs).where(rs.run_id == run_id, rs.site_id == site_id)
                            .values(claimed_by=worker, claim_expires=now + dt.timedelta(seconds=lease_s)))
        session.commit()
        return Claimed(site_id, holder)
    session.commit()
    return None


def renew(session: Session, run_id: str, worker: str, lease_s: float) -> int:
    """Extend the lease of every site `worker` holds; how many it holds (fewer than it thinks: some were
    taken over while it stalled)."""
    result = session.execute(update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.claimed_by == worker)
                             .values(claim_expires=_now() + dt.timedelta(seconds=lease_s)))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, run_id: str, worker: str, site_ids: list[str] | None = None) -> None:
    """Let go of `site_ids` (None: everything `worker` holds). A released site that is not scored is
    claimable again at once."""
    query = update(m.RunSite).where(m.RunSite.run_id == run_id, m.RunSite.claimed_by == worker)
    if site_ids is not None:
        if not site_ids:
            return
        query = query.where(m.RunSite.site_id.in_(site_ids))
    session.execute(query.values(claimed_by=None, claim_expires=None))
    session.commit()


@dataclass(frozen=True)
class RunProgress:
    unscored: int  # sites not scored yet
    held_elsewhere: int  # sites another live worker holds (scored or not: its evidence may still be on its way)

    @property
    def complete(self) -> bool:
        return self.unscored == 0 and self.held_elsewhere == 0


def progress(session: Session, run_id: str, worker: str, among: frozenset[str] | None = None) -> RunProgress:
    rs = m.RunSite
    now = _now()
    unscored = select(func.count()).select_from(rs).where(rs.run_id == run_id, rs.done.is_(False))
    held = select(func.count()).select_from(rs).where(
        rs.run_id == run_id, rs.claimed_by.is_not(None), rs.claimed_by != worker, rs.claim_expires >= now)
    if among is not None:
        unscored, held = unscored.where(rs.site_id.in_(sorted(among))), held.where(rs.site_id.in_(sorted(among)))
    counts = RunProgress(int(session.scalar(unscored) or 0), int(session.scalar(held) or 0))
    session.commit()
    return counts


def unscored(session: Session, run_id: str) -> list[str]:
    return sorted(session.scalars(select(m.RunSite.site_id).where(m.RunSite.run_id == run_id,
                                                                  m.RunSite.done.is_(False))))


def outside(session: Session, run_id: str, targets: frozenset[str]) -> frozenset[str]:
    """Sites of the run's rows that are not among `targets` (a run resumed with another selection)."""
    return frozenset(set(session.scalars(select(m.RunSite.site_id).where(m.RunSite.run_id == run_id))) - targets)
