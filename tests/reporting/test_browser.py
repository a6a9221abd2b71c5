"""The bundle in a real browser (Debian's Chromium through Playwright): every internal link works,
no console errors, and a screenshot of index.html is saved to tests/artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from govaudit.reporting import render_bundle

from .factory import HLJ_TOTALS, add_probes, add_run, make_engine, spotcheck_sites

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    engine = make_engine(base / "db.sqlite")
    templates = Path(__file__).resolve().parents[2] / "reports"
    for n, (asof, bad) in enumerate([(dt.date(2017, 3, 15), 4), (dt.date(2017, 6, 15), 3), (dt.date(2017, 9, 15), 2)]):
        add_run(engine, f"2017q{n + 1}", asof, spotcheck_sites(16, bad, asof, seed=n), totals=HLJ_TOTALS)
    asof = dt.date(2017, 12, 15)
    sites = spotcheck_sites(16, 2, asof, seed=11)
    add_run(engine, "2017q4", asof, sites, totals=HLJ_TOTALS)
    add_probes(engine, sites[0].site_id, sites[0].url, dt.datetime(2017, 11, 20), days=10, per_day=24, fail_every=7)
    return render_bundle(engine, "2017q4", base / "reports", templates)


def _file_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def test_bundle_in_chromium(demo_bundle: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    broken: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--disable-gpu", "--disable-quic"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
            page.on("requestfailed", lambda req: errors.append(f"request failed {req.url}"))
            start = (demo_bundle / "index.html").as_uri()
            todo, seen, anchors = [start], {start}, []
            while todo:
                url = todo.pop()
                page.goto(url)
                hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
                for href in hrefs:
                    if not href.startswith("file://"):
                        continue  # evidence links point at the audited sites
                    target, fragment = urldefrag(href)
                    path = _file_path(target)
                    if not path.is_file() or demo_bundle.resolve() not in path.resolve().parents:
                        broken.append(f"{url} -> {href}")
                        continue
                    if fragment:
                        anchors.append((target, fragment, url))
                    if target.endswith(".html") and target not in seen:
                        seen.add(target)
                        todo.append(target)
                if url == start:
                    assert ids >= {"overview", "problems", "attachments"}
            for target, fragment, origin in anchors:
                page.goto(target)
                if page.locator(f"[id='{fragment}']").count() != 1:
                    broken.append(f"{origin} -> {target}#{fragment}")
            assert len(seen) >= 16 + 5  # every site page and the top pages were visited

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.goto(start)
            assert page.locator("#pass-rate").inner_text() == "87.5%"
            assert page.locator("svg circle").count() == 4
            page.screenshot(path=str(ARTIFACTS / "report-index.png"), full_page=True)
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto(start)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"index.html scrolls sideways on a phone ({width}px)"
            phone.screenshot(path=str(ARTIFACTS / "report-index-phone.png"), full_page=False)
        finally:
            browser.close()
    assert not broken, broken
    assert not errors, errors
    assert (ARTIFACTS / "report-index.png").stat().st_size > 10_000
