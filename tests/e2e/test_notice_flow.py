"""The notice and its follow-up in one flow against the demo province, checked against the demo's answer key:
the 找错 export imported, an audit with a rectification deadline (-a due=), then — after the deadline — the
demo served as it is after rectification (some problem sites fixed, some not, one with a new problem, some
written reports received) and a real second crawl `scrapy crawl audit -a recheck=RUN -a reported=FILE`.
The notice must state 栏目设置过细, the 找错 figures, the cities' own spot checks, the 约谈 list and the
deadline; the recheck's rectification page fixed / still open / new per finding, reported but not fixed,
overdue. A last crawl at an as-of date years before today must not print today's date anywhere."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from govaudit.demo.monitoring import write_planted_probes
from govaudit.demo.province import build_province
from govaudit.demo.rectify import RECTIFICATIONS, after_deadline, write_reports
from govaudit.demo.server import DemoServer
from govaudit.demo.sites_notice import CHECK_RESULTS, FINE_SITE, PUBLISHING_PORTAL
from govaudit.demo.zhaocuo import LATE_SITE, planted, write_export
from govaudit.observations.city_checks import first_day, in_scope
from govaudit.reporting.recheck import problem_site_ids
from tests.demo.expected import home_entries, site_answer
from tests.e2e.conftest import DEMO_ASOF, ServedDemo, run_scrapy

pytestmark = pytest.mark.slow

AUDITED = DEMO_ASOF
DUE = AUDITED + dt.timedelta(days=5)
RECHECK = AUDITED + dt.timedelta(days=8)
FAR_ASOF = dt.date(2017, 12, 15)  # the seed notice's 截至 date: years before any day this test runs


def _text(path: Path) -> str:
    return re.sub(r"\s+", "", lxml.html.parse(str(path)).getroot().text_content())


def _bundle(out: str) -> Path:
    found = re.search(r"report bundle: (\S+index\.html)", out)
    assert found, out[-3000:]
    return Path(found.group(1)).parent


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory, demo: ServedDemo) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("notice-flow")
    db_url = f"sqlite:///{tmp / 'govaudit.sqlite'}"
    reports = tmp / "reports"
    write_planted_probes(db_url, [s.spec for s in demo.province.sites], demo.server.base_urls, AUDITED)
    imported = run_scrapy(["zhaocuo", "import", str(write_export(demo.province, tmp / "zhaocuo.csv"))], db_url, reports)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    first = run_scrapy(["crawl", "audit", "-a", demo.arg, "-a", f"asof={AUDITED}", "-a", f"due={DUE}",
                        "-a", "run=notice-audit"], db_url, reports)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    # after the deadline: the same province, rectified, served on the recheck's date
    after = after_deadline(AUDITED, RECHECK)
    with DemoServer(after) as server:
        registry = server.write_registry(tmp / "registry-after.csv")
        write_planted_probes(db_url, [s.spec for s in after.sites], server.base_urls, RECHECK)
        reported = write_reports(after, tmp / "reported.csv")
        second = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={RECHECK}",
                             "-a", "recheck=notice-audit", "-a", f"reported={reported}", "-a", "run=notice-recheck"],
                            db_url, reports)
    assert second.returncode == 0, (second.stdout + second.stderr)[-4000:]
    engine = create_engine(db_url)
    with Session(engine) as session:
        problems = problem_site_ids(session, "notice-audit")
    return {"audit": _bundle(first.stdout + first.stderr), "recheck": _bundle(second.stdout + second.stderr),
            "province": demo.province, "after": after, "expected": demo.expected, "problems": problems}


def test_notice_states_the_observations_the_demo_plants(flow: dict[str, Any]) -> None:
    province, expected = flow["province"], flow["expected"]
    notice = _text(flow["audit"] / "notice.html")
    # 栏目设置过细: named, not scored
    fine = province.site(FINE_SITE)
    assert f"{fine.name}栏目设置过细" in notice
    assert expected[FINE_SITE]["verdict_2019"] == "qualified"
    # 找错: the planted export's figures
    want = planted(province)
    assert f"留言{want['received']}条，已办结{want['handled']}条，办结率{100 * want['handled'] / want['received']:.1f}%" in notice
    assert f"超过答复时限的留言{want['overdue']}条" in notice
    # ... and C19-D24 (找错办理) of this run is scored from the same messages: one deduction per late reply
    results = json.loads((flow["audit"] / "results.json").read_text(encoding="utf-8"))
    d24 = {s["site_id"]: [f for f in s["findings"] if f["indicator"] == "C19-D24" and f["points"]]
           for s in results["sites"]}
    assert len(d24[LATE_SITE]) == want["overdue"]
    assert sum(len(v) for sid, v in d24.items() if sid != LATE_SITE) == 0
    # 接受监督: the city/county portals, and which of them link a current result from their home page
    portals = [s for s in province.sites if s.served and in_scope(s.kind, s.level)]
    start = first_day(AUDITED)
    published = [s for s in portals if any(_planted_result(s, h["title"]) and dt.date.fromisoformat(h["date"]) >= start
                                           for h in home_entries(s, AUDITED))]
    assert len(portals) == 2 and len(published) == 1, "the demo plants two portals, one publishing"
    assert f"本次检查的{len(portals)}个市、县级政府门户网站中，{len(published)}个在首页公开" in notice
    silent = next(s for s in portals if s not in published)
    assert f"{silent.name}网站未在首页公开" in notice
    assert f"{published[0].name}网站未在首页公开" not in notice
    # the bundle records the link and its date on each portal's page
    pages = {s["site_id"]: flow["audit"] / s["page"] for s in results["sites"]}
    for portal in portals:
        page = lxml.html.parse(str(pages[portal.site_id])).getroot()
        found = page.cssselect("#city-check p.published a")
        assert bool(found) is (portal in published), portal.site_id
        if found:
            result = next(e for e in portal.column(CHECK_RESULTS[portal.site_id][0]).entries
                           if _planted_result(portal, e.title))
            assert found[0].text_content() == result.title and found[0].get("href").endswith(result.path)
            assert _cn(result.date) in page.cssselect("#city-check p.published")[0].text_content()
    fine_page = lxml.html.parse(str(pages[FINE_SITE])).getroot()
    assert len(fine_page.cssselect("#fine-columns ul.merge-groups li")) >= 2
    # 约谈: the organizers of the unqualified sites; the deadline
    organizers = sorted({e["organizer"] for e in expected.values() if e["verdict_2019"] == "unqualified"})
    if len(organizers) > 3:
        assert f"等{len(organizers)}家单位" in notice
    else:
        assert all(org in notice for org in organizers)
    assert f"整改情况于{_cn(DUE)}前书面报送" in notice
    # 存在问题 names every unqualified site; no loopback address, no enumeration of URLs
    problems = notice[notice.index("二、存在问题"):notice.index("三、工作要求")]
    for e in expected.values():
        if e["verdict_2019"] == "unqualified":
            assert e["name"] in problems, e["name"]
    assert "127.0.0." not in notice and "http" not in problems and "应使用.gov.cn后缀" not in notice


def _planted_result(site: Any, title: str) -> bool:
    """Whether `title` is the spot-check result planted on the site's home page (sites_notice.CHECK_RESULTS)."""
    if site.site_id not in CHECK_RESULTS:
        return False
    pattern = re.escape(CHECK_RESULTS[site.site_id][2]).replace(r"\{year\}", r"\d{4}").replace(r"\{quarter\}", "[一二三四]")
    return re.fullmatch(pattern, title) is not None


def _site_ids(doc: Any, css: str) -> set[str]:
    return {a.get("data-site") for a in doc.cssselect(f"td span.{css} a")}


def test_recheck_reports_each_site_as_the_demo_rectified_it(flow: dict[str, Any]) -> None:
    results = json.loads((flow["recheck"] / "results.json").read_text(encoding="utf-8"))
    assert sorted(s["site_id"] for s in results["sites"]) == flow["problems"]  # every problem site, rechecked
    doc = lxml.html.parse(str(flow["recheck"] / "rectification.html")).getroot()
    fixed = {sid for sid, r in RECTIFICATIONS.items() if r.fixed}
    assert _site_ids(doc, "recheck-fixed") == fixed
    not_fixed = set(flow["problems"]) - fixed
    assert _site_ids(doc, "recheck-not-fixed") == not_fixed
    assert _site_ids(doc, "recheck-overdue") == not_fixed  # the recheck is after the deadline
    reported = {sid: RECHECK - dt.timedelta(days=r.reported) for sid, r in RECTIFICATIONS.items()
                if r.reported is not None}
    assert _site_ids(doc, "recheck-reported-not-fixed") == set(reported) - fixed
    assert _site_ids(doc, "recheck-not-reported") == {sid for sid in flow["problems"]
                                                      if sid not in reported or reported[sid] > DUE}
    assert _site_ids(doc, "recheck-new") == {sid for sid, r in RECTIFICATIONS.items() if r.new}
    # the answer key agrees: a fixed site has no veto left, an unqualified site that did not fix still has one
    for sid in fixed:
        assert site_answer(flow["after"].site(sid), RECHECK)["vetoes_2019"] == [], sid
    for sid in not_fixed:
        if flow["expected"][sid]["verdict_2019"] == "unqualified" and sid not in RECTIFICATIONS:
            assert site_answer(flow["after"].site(sid), RECHECK)["vetoes_2019"], sid
    # per finding: a fixed site's earlier findings are all 已整改, a site that did not fix has one 仍未整改
    for section in doc.cssselect("section.rect"):
        sid = next(s["site_id"] for s in results["sites"] if s["name"] == section.cssselect("h2 a")[0].text_content())
        rows = {tr.get("class") for tr in section.cssselect("tr")}
        assert ("s-open" in rows) is (sid in not_fixed), (sid, rows)
        assert ("s-new" in rows) is (sid in RECTIFICATIONS and RECTIFICATIONS[sid].new), (sid, rows)
        if sid in fixed:
            assert "s-fixed" in rows, (sid, rows)


def test_notice_of_a_past_as_of_date_prints_no_date_of_today(tmp_path: Path) -> None:
    """检查时间 and 截至 come from the run's as-of date and registry snapshot: a crawl today of a province as of
    2017-12-15 prints no date of today in its notice (HTML and Word) or attachments, and elsewhere in the
    bundle only in the crawl's own timing (the pages' footer, results.json's started / finished, the capture
    times of archived copies and screenshots)."""
    province = build_province(FAR_ASOF)
    sites = f"{PUBLISHING_PORTAL},{FINE_SITE}"
    with DemoServer(province) as server:
        registry = server.write_registry(tmp_path / "registry.csv")
        proc = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={FAR_ASOF}",
                           "-a", f"site={sites}", "-a", "due=2018-01-05", "-a", "run=far-asof"],
                          f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "reports")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    bundle = _bundle(out)
    days = {dt.datetime.now(ZoneInfo(tz)).date() for tz in ("Asia/Shanghai", "UTC")} | {dt.date.today()}
    forms = [f for d in days for f in (d.isoformat(), _cn(d), f"{d.year}/{d.month:02d}/{d.day:02d}",
                                      f"{d.month}月{d.day}日")]
    notice = _text(bundle / "notice.html")
    assert f"截至{_cn(FAR_ASOF)}" in notice and "2017年12月15日" in notice
    with zipfile.ZipFile(bundle / "notice.docx") as docx:
        word = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode("utf-8"))
    assert "2017年12月15日" in word
    for name, text in [("notice.html", notice), ("notice.docx", word)] + [
            (p.name, p.read_text(encoding="utf-8-sig")) for p in sorted(bundle.glob("attachment*"))]:
        assert not [f for f in forms if f in text], (name, [f for f in forms if f in text])
    for path in sorted(bundle.rglob("*")):
        if path.suffix not in (".html", ".json", ".csv"):
            continue
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".html":  # the crawl's own timing: page footers, archive capture times
            text = re.sub(r"<footer.*?</footer>", "", text, flags=re.S)
            text = re.sub(r"（截图时间 [^（）]*）|（[^（）<>]*(?:截取|抓取)）|<dt>抓取时间</dt><dd>[^<]*</dd>", "", text)
        if path.name == "results.json":
            data = json.loads(text)
            data["run"] = {k: v for k, v in data["run"].items() if k not in ("started", "finished")}
            text = json.dumps(data, ensure_ascii=False)
        assert not [f for f in forms if f in text], (path.name, [f for f in forms if f in text])
