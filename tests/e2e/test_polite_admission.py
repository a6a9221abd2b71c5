"""Under a politeness delay the sites run side by side: a site's requests waiting on its own delay do not keep
the next site from starting (they did: with DOWNLOAD_DELAY the downloader's queues filled with requests each
waiting for its site, the admission read that as a busy crawl, and the sites ran nearly one after another)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select

from govaudit.store import models as m

from .conftest import ServedDemo, run_scrapy


def test_sites_waiting_on_their_delay_let_the_others_start(demo: ServedDemo, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'polite.sqlite'}"
    proc = run_scrapy(["crawl", "audit", "-a", demo.arg, "-a", "asof=2026-11-20", "-a", "run=polite",
                       "-s", "DOWNLOAD_DELAY=0.1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "CONCURRENT_REQUESTS=16",
                       "-s", "GOVAUDIT_SCREENSHOTS_ENABLED=false", "-s", "GOVAUDIT_REPORT_ON_CLOSE=false",
                       "-s", f"GOVAUDIT_EVIDENCE_DIR={tmp_path / 'evidence'}"],
                      db_url, tmp_path / "reports")
    assert proc.returncode == 0, proc.stderr[-3000:]
    engine = create_engine(db_url)
    with engine.connect() as db:
        spans = db.execute(select(m.ArchiveRecord.site_id, func.min(m.ArchiveRecord.fetched_at),
                                  func.max(m.ArchiveRecord.fetched_at), func.count())
                           .where(m.ArchiveRecord.run_id == "polite", m.ArchiveRecord.kind == "response")
                           .group_by(m.ArchiveRecord.site_id)).all()
    big = [(first, last) for _site, first, last, n in spans if n >= 40]
    assert len(spans) >= 12 and len(big) >= 5, spans
    first_big_done = min(last for _first, last in big)
    # each big site needs several seconds of its own delay; every site has started before the first is done
    late = [site for site, first, _last, _n in spans if first > first_big_done]
    assert late == [], f"{len(late)} of {len(spans)} sites started only after a site had finished"
