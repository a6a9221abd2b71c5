"""Site claims (govaudit.store.claims), on SQLite and PostgreSQL: workers sharing a run a whole site at a time
never hold one site together, a scored site is never claimed, and a dead worker's site is claimed again only
once its lease has expired, with its partial evidence cleared."""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import func, select, update

from govaudit.store import claims
from govaudit.store import models as m
from govaudit.store.db import session_factory
from govaudit.store.writer import EvidenceWriter
from tests.conftest import begin_run

RUN = {"id": "share1", "asof": dt.date(2026, 11, 20)}
SITES = [{"site_id": f"S{i:02d}", "name": f"站{i}", "url": f"http://s{i}.gov.cn/"} for i in range(40)]


def _open(db_url: str) -> EvidenceWriter:
    writer = EvidenceWriter(db_url)
    begin_run(writer, RUN, SITES)
    return writer


def test_racing_workers_claim_every_site_exactly_once(db_url: str) -> None:
    _open(db_url)
    Session = session_factory(db_url)
    got: dict[str, list[str]] = {"w1": [], "w2": [], "w3": []}

    def worker(name: str) -> None:
        with Session() as session:
            while (c := claims.claim_next(session, RUN["id"], name, 60)) is not None:
                assert c.taken_from is None
                got[name].append(c.site_id)

    threads = [threading.Thread(target=worker, args=(name,)) for name in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claimed = [s for sites in got.values() for s in sites]
    assert sorted(claimed) == [s["site_id"] for s in SITES]  # every site once, none twice
    with Session() as session:
        holders = dict(session.execute(select(m.RunSite.site_id, m.RunSite.claimed_by)).all())
    assert all(holders[s] == name for name, sites in got.items() for s in sites)


def test_scored_and_released_sites_and_lease_expiry(db_url: str) -> None:
    writer = _open(db_url)
    Session = session_factory(db_url)
    with Session() as session:
        first = claims.claim_next(session, RUN["id"], "dead", 0.5)
        second = claims.claim_next(session, RUN["id"], "alive", 60)
    assert first is not None and second is not None and first.site_id != second.site_id
    # the dead worker left evidence of its site; the other scored and released its own
    with writer.Session.begin() as s:
        s.add(m.Column(run_id=RUN["id"], site_id=first.site_id, url="http://x/col", name="栏目"))
        s.execute(update(m.RunSite).where(m.RunSite.site_id == second.site_id).values(done=True, crawl_state="ok"))
    with Session() as session:
        claims.release(session, RUN["id"], "alive", [second.site_id])
        left = {c.site_id for c in iter(lambda: claims.claim_next(session, RUN["id"], "w", 60), None)}
        # neither the held site (lease still running) nor the scored one
        assert first.site_id not in left and second.site_id not in left and len(left) == len(SITES) - 2
        assert claims.progress(session, RUN["id"], "w") == claims.RunProgress(unscored=39, held_elsewhere=1)
        assert claims.renew(session, RUN["id"], "w", 60) == len(left)
        time.sleep(0.6)  # the dead worker's lease expires
        assert claims.progress(session, RUN["id"], "w").held_elsewhere == 0
        again = claims.claim_next(session, RUN["id"], "w", 60)
        assert again == claims.Claimed(first.site_id, "dead")  # taken over, naming whose it was
        assert claims.claim_next(session, RUN["id"], "w", 60) is None
        cols = session.scalar(select(func.count()).select_from(m.Column).where(m.Column.site_id == first.site_id))
        assert cols == 0  # its partial evidence cleared: it is crawled again from its home page
        assert claims.unscored(session, RUN["id"]) == sorted({s["site_id"] for s in SITES} - {second.site_id})
        claims.release(session, RUN["id"], "w")
        assert claims.progress(session, RUN["id"], "other").held_elsewhere == 0
        # released but not scored: claimable again, and not a take-over (nothing of it to clear)
        assert claims.claim_next(session, RUN["id"], "other", 60) == claims.Claimed(SITES[0]["site_id"], None)


def test_a_resumed_selection_claims_and_waits_for_its_own_sites_only(db_url: str) -> None:
    """Rows of sites the run no longer targets (resumed with another selection) are neither claimed nor
    waited for."""
    _open(db_url)
    Session = session_factory(db_url)
    targets = frozenset(s["site_id"] for s in SITES[:3])
    with Session() as session:
        assert claims.outside(session, RUN["id"], targets) == {s["site_id"] for s in SITES[3:]}
        assert claims.outside(session, RUN["id"], frozenset(s["site_id"] for s in SITES)) == frozenset()
        got = [c.site_id for c in iter(lambda: claims.claim_next(session, RUN["id"], "w", 60, targets), None)]
        assert sorted(got) == sorted(targets)
        session.execute(update(m.RunSite).where(m.RunSite.site_id.in_(got)).values(done=True))
        session.commit()
        assert claims.progress(session, RUN["id"], "other", targets) == claims.RunProgress(0, 3)
        claims.release(session, RUN["id"], "w")
        assert claims.progress(session, RUN["id"], "other", targets).complete
        assert not claims.progress(session, RUN["id"], "other").complete  # the whole run's rows: 37 unscored
