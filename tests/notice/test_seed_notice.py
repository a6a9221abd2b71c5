"""The seed notice (2017年第四季度黑龙江省政府网站抽查情况的通报) reproduced from a seeded synthetic run: its
figures, its dates (from the run, not the clock), the 找错 paragraph from an imported export, the 栏目设置过细
paragraph, the 约谈 paragraph with its deadline, and a region's own bundle."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy.orm import Session

from govaudit.observations.zhaocuo import import_messages
from govaudit.reporting import render_bundle
from govaudit.store.models import ManualFinding
from tests.reporting.factory import HLJ_TOTALS, ColumnSpec, add_run, make_engine, spotcheck_sites

TEMPLATES = Path(__file__).resolve().parents[2] / "reports"
ASOF = dt.date(2017, 12, 14)
PREV_ASOF = dt.date(2017, 9, 14)


def _zhaocuo_export(path: Path, sites: list, n: int, *, late: int = 0) -> Path:
    """A platform export of `n` third-quarter messages spread over `sites`, all finished; the first `late`
    answered after 3 working days."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["留言编号", "网站名称", "留言时间", "答复时间", "办结时间", "办理状态"])
        for i in range(n):
            received = dt.date(2017, 7, 3) + dt.timedelta(days=i % 80)
            replied = received + dt.timedelta(days=9 if i < late else 1)
            w.writerow([f"ZC2017{i:04d}", sites[i % len(sites)].name, received.isoformat(),
                        replied.isoformat(), (replied + dt.timedelta(days=1)).isoformat(), "已办结"])
    return path


def _fine_site(site):
    """黑河市安全生产信息网: 48 columns, most with two or three old entries, in sibling groups of one topic."""
    site.name = "黑河市安全生产信息网"
    site.region = "黑河市"
    cols = []
    for i, (stem, cat) in enumerate([("安全", "news"), ("监管", "notice"), ("执法", "policy"), ("应急", "other")]):
        for j in range(12):
            cols.append(ColumnSpec(f"{stem}栏目{j}", f"{site.url}c{i}_{j}/", cat,
                                   dt.date(2016, 3, 1) if j % 3 else ASOF - dt.timedelta(days=5), entries=2 + j % 2))
    site.columns = cols
    return site


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, list]:
    base = tmp_path_factory.mktemp("seed")
    engine = make_engine(base / "govaudit.sqlite")
    add_run(engine, "2017q3", PREV_ASOF, spotcheck_sites(155, 5, PREV_ASOF, seed=3), totals=HLJ_TOTALS)
    sites = spotcheck_sites(170, 4, ASOF, seed=7)
    _fine_site(sites[0])
    add_run(engine, "2017q4", ASOF, sites, totals={**HLJ_TOTALS, "as_of": "2017-12-15"},
            params={"checked_from": "2017-12-10", "due": "2018-01-05", "issued": "2017-12-28"})
    export = _zhaocuo_export(base / "zhaocuo.csv", sites, 115)
    with Session(engine) as session:
        count, unlinked = import_messages(session, export, limit=3, points=1.0)
    assert (count, unlinked) == (115, 0)
    bundle = render_bundle(engine, "2017q4", base / "reports", TEMPLATES)
    return bundle, engine, sites


def _text(path: Path) -> str:
    return re.sub(r"\s+", "", lxml.html.parse(str(path)).getroot().text_content())


def test_notice_states_the_seed_figures(seed) -> None:
    text = _text(seed[0] / "notice.html")
    assert "2017年12月10日至14日" in text
    assert "抽查政府网站170家，其中合格政府网站166家，不合格政府网站4家，总体合格率97.6%" in text
    assert "环比上涨0.8个百分点" in text
    assert ("截至2017年12月15日，全省在全国政府网站信息报送系统中登记的网站共1560家，其中下线网站993家"
            "（含临时下线网站8家和永久下线网站985家），目前正常运行的政府网站567家") in text
    assert "2017年第三季度通过“我为政府网站找错平台”共办理涉及全省各级政府网站留言115条" in text
    assert "办结率100%" in text and "均进行了办理、审核、反馈" in text
    assert "整改情况于2018年1月5日前书面报送" in text
    assert "2017年12月28日" in text
    today = dt.date.today()
    assert f"{today.year}年{today.month}月{today.day}日" not in text or today == dt.date(2017, 12, 28)


def test_notice_names_the_over_fine_site_and_summons_organizers(seed) -> None:
    bundle, _, sites = seed
    text = _text(bundle / "notice.html")
    assert "黑河市安全生产信息网栏目设置过细" in text
    assert "共48个栏目" in text
    # only the fine site is named: the other 169 sites have a handful of well-kept columns
    assert text.count("栏目设置过细") == 1
    unqualified = [s for s in sites if s.verdict == "unqualified"]
    assert "将对相关网站主管部门进行约谈" in text
    for s in unqualified[:3]:
        assert (s.organizer or s.name) in text


def test_late_replies_become_findings_and_lower_the_rate(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    sites = spotcheck_sites(10, 0, ASOF, seed=1)
    add_run(engine, "r", ASOF, sites, totals=HLJ_TOTALS)
    export = _zhaocuo_export(tmp_path / "z.csv", sites, 20, late=3)
    rows = list(csv.reader(export.open(encoding="utf-8-sig")))
    rows[-1][4] = ""  # the last message not finished
    rows[-1][5] = "办理中"
    with export.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with Session(engine) as session:
        import_messages(session, export, limit=3, points=1.0)
        found = session.query(ManualFinding).filter(ManualFinding.indicator == "C19-D24").all()
        assert len(found) == 3 and all(f.points == 1.0 for f in found)
        import_messages(session, export, limit=3, points=1.0)  # re-import replaces, never doubles
        assert session.query(ManualFinding).filter(ManualFinding.indicator == "C19-D24").count() == 3
    bundle = render_bundle(engine, "r", tmp_path / "reports", TEMPLATES)
    text = _text(bundle / "notice.html")
    assert "留言20条，已办结19条，办结率95%" in text
    assert "超过答复时限的留言3条" in text


def test_region_bundle_has_only_its_sites(seed) -> None:
    bundle, engine, sites = seed
    region = sites[1].region
    own = [s for s in sites if s.region == region]
    rb = render_bundle(engine, "2017q4", bundle.parent, TEMPLATES, region=region)
    assert rb.parent.name == "regions" and rb.parent.parent == bundle
    text = _text(rb / "notice.html")
    qualified = sum(1 for s in own if s.verdict == "qualified")
    assert f"抽查政府网站{len(own)}家，其中合格政府网站{qualified}家" in text
    assert "1560" not in text  # the province's registry totals are not the region's
    assert len(list((rb / "sites").glob("*.html"))) == len(own)


def test_site_page_lists_the_columns_that_would_merge(seed) -> None:
    bundle, _, sites = seed
    page = next(p for p in (bundle / "sites").glob("*.html") if sites[0].site_id in p.name or
                "黑河市安全生产信息网" in p.read_text(encoding="utf-8")[:3000])
    doc = lxml.html.parse(str(page)).getroot()
    groups = [li.text_content() for li in doc.cssselect("#fine-columns li")]
    # four sibling groups of twelve: one by category for each categorised topic, one by name stem for 应急
    assert len(groups) == 4
    assert any("应急栏目0" in g and "应急栏目11" in g for g in groups)
