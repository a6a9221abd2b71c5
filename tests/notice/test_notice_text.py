"""The notice's wording helpers: a finding stated briefly, the demo's loopback artefacts, and the file of
written rectification reports a recheck reads (-a reported=)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govaudit.registry import Site
from govaudit.reporting.notice import brief
from govaudit.reporting.notice_artefacts import loopback_artefact
from govaudit.reporting.recheck import ReportsFileError, read_reports
from govaudit.spiders.args import ArgumentError, parse_audit_args


@pytest.mark.parametrize(("message", "stated"), [
    (("监测时间点前2周内的动态要闻类栏目及前6个月内的通知公告、政策文件类一级栏目中，累计5个未更新（超过（含）5个）："
     "「旅游资讯」最近一次更新为2026-10-03"), "监测时间点前2周内的动态要闻类栏目及前6个月内的通知公告、政策文件类一级栏目中，累计5个未更新"),
    ("政务咨询类栏目有1条网民留言超过3个月未回应（最长104天：2026-08-08提交的「咨询」）",
     "政务咨询类栏目有1条网民留言超过3个月未回应"),
    ("页面http://www.example.gov.cn/bszn/底部功能区未添加“我为政府网站找错”入口", "底部功能区未添加“我为政府网站找错”入口"),
    ("未开设概况信息类栏目", "未开设概况信息类栏目"),
    ("监测7天共访问首页168次，超过（含）15秒仍打不开168次，占比100%，超过（含）5%。",
     "监测7天共访问首页168次，超过（含）15秒仍打不开168次，占比100%，超过（含）5%"),
])
def test_brief_keeps_the_summary_before_the_enumeration(message: str, stated: str) -> None:
    assert brief(message) == stated


def test_loopback_artefacts_are_domain_and_cross_host_link_findings_only() -> None:
    assert loopback_artefact({"url": "http://127.0.0.24:18080/", "host": "127.0.0.24"})
    assert loopback_artefact({"link_url": "http://127.0.0.2:18080/miit/", "page_url": "http://127.0.0.24:18080/"})
    # the site's own 404 column on its loopback host is a real problem
    assert not loopback_artefact({"link_url": "http://127.0.0.18:18080/ztzl/", "page_url": "http://127.0.0.18:18080/"})
    # a column of a demo site (its URL is on loopback) is a real problem too
    assert not loopback_artefact({"url": "http://127.0.0.24:18080/zcfg/", "name": "政策法规"})
    assert not loopback_artefact({"host": "www.example.com"})
    assert not loopback_artefact(None)


def _sites() -> list[Site]:
    return [Site(site_id="2301000009", name="江城市人民政府", url="http://a/", organizer="", region="", level="",
                 kind="portal"),
            Site(site_id="2302000007", name="北山市文化广电和旅游局", url="http://b/", organizer="", region="",
                 level="", kind="department")]


def test_reports_file_links_by_id_or_name(tmp_path: Path) -> None:
    path = tmp_path / "reported.csv"
    path.write_text("网站标识码,网站名称,报送日期\n2301000009,,2018-01-04\n,北山市文化广电和旅游局,2018年1月6日\n",
                    encoding="utf-8-sig")
    assert read_reports(path, _sites()) == {"2301000009": "2018-01-04", "2302000007": "2018-01-06"}
    bad = tmp_path / "bad.csv"
    bad.write_text("网站名称,报送日期\n不在名录的网站,2018-01-04\n北山市文化广电和旅游局,soon\n", encoding="utf-8")
    with pytest.raises(ReportsFileError, match=r"row 2: no such site 不在名录的网站; row 3: not a date"):
        read_reports(bad, _sites())


def test_reported_needs_a_recheck() -> None:
    with pytest.raises(ArgumentError, match="reported="):
        parse_audit_args({"reported": "r.csv"}, default_registry="r.csv", default_rubric="inspection-2019",
                         tz="Asia/Shanghai")
