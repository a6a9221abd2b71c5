"""接受监督: of two city portals, the one whose home page links a current spot-check result is counted as
published (with its link and date); the other is named in the notice as not publishing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
from sqlalchemy import update
from sqlalchemy.orm import Session

from govaudit.observations.city_checks import city_checks
from govaudit.reporting import render_bundle
from govaudit.store.models import Article, RunSite
from tests.reporting.factory import HLJ_TOTALS, ColumnSpec, add_run, make_engine, spotcheck_sites

TEMPLATES = Path(__file__).resolve().parents[2] / "reports"
ASOF = dt.date(2017, 12, 14)


def test_city_portals_publishing_their_results(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    sites = spotcheck_sites(4, 0, ASOF, seed=2)
    names = ["江城市人民政府", "北山市人民政府"]
    for site, name in zip(sites, names, strict=False):
        site.name = name
        if not any(c.source == "home" for c in site.columns):
            site.columns = [*site.columns, ColumnSpec("首页", site.url, "home", ASOF, entries=3, source="home")]
    add_run(engine, "r", ASOF, sites, totals=HLJ_TOTALS)
    with Session(engine) as session:
        session.execute(update(RunSite).where(RunSite.site_id.in_([sites[0].site_id, sites[1].site_id]))
                        .values(kind="portal"))
        home = {s.site_id: next(c.url for c in s.columns if c.source == "home") for s in sites[:2]}
        result = f"{sites[0].url}art/2017/11/20/tb.html"
        session.add(Article(run_id="r", site_id=sites[0].site_id, column_url=home[sites[0].site_id], url=result,
                            title="江城市2017年第三季度政府网站抽查情况通报", date=dt.date(2017, 11, 20)))
        # an old result (a year before) does not count for the other portal
        session.add(Article(run_id="r", site_id=sites[1].site_id, column_url=home[sites[1].site_id],
                            url=f"{sites[1].url}old.html", title="2016年第三季度政府网站抽查结果",
                            date=dt.date(2016, 11, 2)))
        # a current notice about another kind of inspection is no spot-check result of websites
        session.add(Article(run_id="r", site_id=sites[1].site_id, column_url=home[sites[1].site_id],
                            url=f"{sites[1].url}aq.html", title="关于安全生产专项检查结果的通报",
                            date=dt.date(2017, 12, 1)))
        session.commit()
        found = city_checks(session, "r", [sites[0].site_id, sites[1].site_id], ASOF)
    assert found[sites[0].site_id].published and found[sites[0].site_id].url == result
    assert found[sites[0].site_id].date == dt.date(2017, 11, 20)
    assert not found[sites[1].site_id].published
    bundle = render_bundle(engine, "r", tmp_path / "reports", TEMPLATES)
    text = re.sub(r"\s+", "", lxml.html.parse(str(bundle / "notice.html")).getroot().text_content())
    assert "本次检查的2个市、县级政府门户网站中，1个在首页公开了本地区政府网站季度抽查结果" in text
    assert "北山市人民政府网站未在首页公开" in text
