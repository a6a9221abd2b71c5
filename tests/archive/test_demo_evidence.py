"""The evidence of a real demo audit (four sites of the demo province, one of them rendered in Chromium):
WARC files a standard reader opens, records that give back exactly what was stored, screenshots of the
home pages and of every page behind a veto, linked from the site reports; and re-extraction from the
archive with the network cut off, picking up an extractor change and nothing else."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker

from govaudit.demo.province import build_province
from govaudit.demo.server import DemoServer
from govaudit.extract.encoding import decode_html
from govaudit.extract.features import page_features
from govaudit.extract.listpage import extract_list
from govaudit.store import models as m

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")]

ROOT = Path(__file__).resolve().parents[2]
ASOF = dt.date(2026, 11, 20)
# GBK pages; six stale key columns (veto); lists built by scripts (rendered); an unanswered letter (veto)
SITES = ("2301000003", "2304000006", "2300000010", "2304000014")
OFFLINE = Path(__file__).with_name("offline.py")


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp / 'govaudit.sqlite'}",
            "GOVAUDIT_REPORTS_DIR": str(tmp / "reports"), "GOVAUDIT_EVIDENCE_DIR": str(tmp / "evidence"),
            "GOVAUDIT_PROGRESS_INTERVAL": "5", "GOVAUDIT_SCREENSHOTS_ENABLED": "true", **extra}


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("evidence-audit")
    server = DemoServer(build_province(ASOF))
    server.start()
    try:
        registry = server.write_registry(tmp / "registry.csv")
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"registry={registry}",
                               "-a", f"asof={ASOF}", "-a", f"site={','.join(SITES)}"],
                              cwd=ROOT, env=_env(tmp), capture_output=True, text=True, timeout=900)
    finally:
        server.stop()  # from here on nothing answers: re-extraction has only the archive
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    bundle = Path(re.search(r"report bundle: (\S+)/index\.html", log).group(1))  # type: ignore[union-attr]
    engine = create_engine(f"sqlite:///{tmp / 'govaudit.sqlite'}")
    with Session(engine) as s:
        run_id = s.scalars(select(m.Run.id)).one()
    return {"tmp": tmp, "run": run_id, "engine": engine, "bundle": bundle, "log": log,
            "evidence": tmp / "evidence"}


def _rows(audit: dict[str, Any], model: Any, run_id: str | None = None) -> list[Any]:
    with Session(audit["engine"]) as s:
        return list(s.scalars(select(model).where(model.run_id == (run_id or audit["run"]))))


def _record_at(path: Path, offset: int) -> tuple[Any, bytes]:
    """warcio's own reading of the record at `offset` (no govaudit code involved)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        rec = next(iter(ArchiveIterator(fh)))
        return rec, rec.content_stream().read()


def test_archive_opens_in_a_standard_reader(audit: dict[str, Any]) -> None:
    files = sorted((audit["evidence"] / audit["run"]).glob("*.warc.gz"))
    assert files
    types: dict[str, int] = {}
    for path in files:
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                types[rec.rec_type] = types.get(rec.rec_type, 0) + 1
    assert types["warcinfo"] == len(files) and types["response"] == types["request"] > 20
    assert types.get("conversion", 0) >= 1  # the rendered columns of the scripted site
    checker = Checker(type("Args", (), {"inputs": [str(p) for p in files], "verbose": False})())
    checker.process_all()
    assert checker.exit_value == 0


def test_every_stored_page_and_column_has_its_record(audit: dict[str, Any]) -> None:
    archived = {(r.site_id, r.url) for r in _rows(audit, m.ArchiveRecord)}
    for page in _rows(audit, m.Page):
        assert (page.site_id, page.url) in archived, page.url
    for col in _rows(audit, m.Column):
        if col.http_status is not None:
            assert (col.site_id, col.url) in archived, col.url


def test_a_replayed_record_is_the_stored_evidence(audit: dict[str, Any]) -> None:
    records = {(r.url, r.kind): r for r in _rows(audit, m.ArchiveRecord) if r.method == "GET"}
    names = {rs.site_id: rs.name for rs in _rows(audit, m.RunSite)}
    homes = [p for p in _rows(audit, m.Page) if p.kind == "home"]
    assert len(homes) == len(SITES)
    for page in homes:
        row = records[(page.url, "response")]
        rec, body = _record_at(audit["evidence"] / row.warc_file, row.offset)
        assert rec.rec_headers.get_header("WARC-Target-URI") == page.url
        ctype = rec.http_headers.get_header("Content-Type") or ""
        charset = ctype.split("charset=")[1] if "charset=" in ctype else None
        text, _ = decode_html(body, charset)
        assert page_features(text, page.url, names[page.site_id]) == page.features
        listing = extract_list(body, page.url, charset, ASOF)
        stored = {a.url for a in _rows(audit, m.Article) if a.column_url == page.url and a.site_id == page.site_id}
        assert stored and {e.url for e in listing.entries} == stored


def test_screenshots_of_home_pages_and_veto_pages(audit: dict[str, Any]) -> None:
    shots = _rows(audit, m.Screenshot)
    homes = {p.url for p in _rows(audit, m.Page) if p.kind == "home"}
    assert homes <= {s.url for s in shots if s.reason == "home"}
    assert {s.site_id for s in shots if s.reason == "veto"} >= {"2304000006", "2304000014"}
    for shot in shots:
        path = audit["evidence"] / shot.path
        assert path.is_file() and path.stat().st_size == shot.bytes and shot.source == "archive"
        side = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert side["url"] == shot.url and side["captured_at"].startswith(shot.captured_at.isoformat()[:19])
        assert side["archive"]["warc_file"].startswith(audit["run"] + "/")


def _veto_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="c-veto">(.*?)</tr>', html, re.S)


def test_site_report_links_screenshot_and_archived_copy_of_every_veto(audit: dict[str, Any]) -> None:
    bundle = audit["bundle"]
    vetoed = [f for f in _rows(audit, m.Finding) if f.category == "veto"]
    assert {f.site_id for f in vetoed} >= {"2304000006", "2304000014"}
    pages = list((bundle / "sites").glob("*.html"))
    rows = [row for p in pages for row in _veto_rows(p.read_text(encoding="utf-8"))]
    assert len(rows) == len(vetoed)
    for row in rows:
        shots = re.findall(r'href="\.\./(evidence/[^"]+\.jpg)" class="shot"', row)
        copies = re.findall(r'href="\.\./(evidence/[^"]+\.html)" class="warc"', row)
        assert shots and copies, row
        for rel in shots + copies:
            assert (bundle / rel).is_file(), rel  # the bundle carries its own copies


def test_linked_screenshot_opens_in_chromium(audit: dict[str, Any]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    site = next((audit["bundle"] / "sites").glob("2304000006-*.html"))
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda req: requests.append(req.url))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(site.as_uri())
            shot = page.locator("tr.c-veto a.shot").first
            shot.click()
            page.wait_for_load_state("load")
            assert page.url.endswith(".jpg")
            size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
            assert size[0] == 1280 and size[1] > 300
            page.go_back()
            page.locator("tr.c-veto a.warc").first.click()
            page.wait_for_load_state("load")
            assert "存档页面" in page.title()
            frame = page.frame_locator("iframe")
            assert frame.locator("body").inner_text().strip()  # the archived page itself, in its sandbox
            assert not [u for u in requests if not u.startswith(("file:", "about:", "data:"))], requests
            assert not errors, errors
        finally:
            browser.close()


def _reextract(audit: dict[str, Any], new_run: str, **env: str) -> tuple[str, list[str]]:
    net_log = audit["tmp"] / f"net-{new_run}.log"
    proc = subprocess.run([sys.executable, str(OFFLINE), "rescore", audit["run"], "--reextract", "--run-id", new_run],
                          cwd=ROOT, env=_env(audit["tmp"], GOVAUDIT_TEST_NET_LOG=str(net_log), **env),
                          capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    attempts = net_log.read_text().splitlines() if net_log.exists() else []
    return out, attempts


def _evidence(audit: dict[str, Any], run_id: str) -> dict[str, Any]:
    cols = {(c.site_id, c.url): (c.entries_count, c.latest, c.blank, c.http_status, c.rendered)
            for c in _rows(audit, m.Column, run_id)}
    pages = {(p.site_id, p.url): p.features for p in _rows(audit, m.Page, run_id)}
    links = {(x.site_id, x.page_url, x.link_url): x.ok for x in _rows(audit, m.Link, run_id)}
    verdicts = {s.site_id: (s.verdict, sorted(s.vetoes)) for s in _rows(audit, m.Score, run_id)}
    return {"columns": cols, "pages": pages, "links": links, "verdicts": verdicts}


def test_reextract_offline_reproduces_the_crawl(audit: dict[str, Any]) -> None:
    out, attempts = _reextract(audit, "replay-same")
    assert attempts == [], attempts  # not one connection was tried
    with Session(audit["engine"]) as s:
        run = s.get(m.Run, "replay-same")
        assert run is not None and run.kind == "reextract" and run.evidence_run_id == "replay-same"
        assert run.parent_run_id == audit["run"] and run.status == "finished"
    assert _evidence(audit, "replay-same") == _evidence(audit, audit["run"])
    assert "re-extraction of" in out


def test_reextract_picks_up_an_extractor_change(audit: dict[str, Any]) -> None:
    _, attempts = _reextract(audit, "replay-changed", GOVAUDIT_TEST_NO_ZHAOCUO="1")
    assert attempts == []
    before, after = _evidence(audit, audit["run"]), _evidence(audit, "replay-changed")
    assert before["columns"] == after["columns"]  # the list extraction did not change
    home = {k for k, f in before["pages"].items() if f.get("zhaocuo")}
    assert home, "the demo sites have 找错 entries"
    assert all(not after["pages"][k]["zhaocuo"] for k in home)
    missing = [f for f in _rows(audit, m.Finding, "replay-changed") if f.check == "zhaocuo_entry"]
    assert {f.site_id for f in missing} >= {site for site, _ in home}
    assert not [f for f in _rows(audit, m.Finding) if f.check == "zhaocuo_entry"
                and f.site_id in {site for site, _ in home}]
    # the source crawl's evidence is untouched
    assert _evidence(audit, audit["run"]) == before


def test_accuracy_warc_reports_how_extraction_changed(audit: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from govaudit.archive import compare

    warc = sorted((audit["evidence"] / audit["run"]).glob("*.warc.gz"))[0]
    proc = subprocess.run([sys.executable, "scripts/accuracy.py", "--warc", str(warc)], cwd=ROOT,
                          env=_env(audit["tmp"]), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert f"run {audit['run']}" in out and "extraction changed: 0" in out and "features changed: 0" in out
    assert re.search(r"columns compared: [1-9]", out) and re.search(r"pages compared: [1-9]", out)

    real = compare.extract_list

    def misses_the_newest(*args: Any, **kwargs: Any) -> Any:  # an extractor that lost the first entry of a list
        page = real(*args, **kwargs)
        page.entries = page.entries[1:]
        return page

    monkeypatch.setattr(compare, "extract_list", misses_the_newest)
    with Session(audit["engine"]) as s:
        changed = compare.compare_warc(s, warc)
    assert changed.changed_columns and not changed.changed_pages
    assert all(c.lost == 1 and c.gained == 0 for c in changed.changed_columns)
    lines = compare.report_lines(changed)
    assert any("(+0 -1)" in line for line in lines)
