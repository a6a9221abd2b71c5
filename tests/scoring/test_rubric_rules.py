"""One rule test per verdict rule of issue 11, each quoting the rubric line it applies."""

from __future__ import annotations

from govaudit.store import models as m

from .helpers import of, score


def test_letters_from_surveys_and_interviews_do_not_count(session, factory, r15, r19):
    """C19-V5 / P15-V5: 「对网民留言应及时答复处理的政务咨询类栏目（在线访谈、调查征集、网上信访、纪检举报类栏目
    除外）存在超过3个月未回应有效留言的现象」; C19-D18 and P15-D5b read letters from the same columns only."""
    factory.good_site("s")
    survey = session.query(m.Column.url).filter_by(site_id="s", category="survey").scalar()
    interview = session.query(m.Column.url).filter_by(site_id="s", category="interview").scalar()
    factory.letter("s", 90, submitted=200, replied=None, column_url=survey)
    factory.letter("s", 91, submitted=200, replied=None, column_url=interview)
    for rubric, vid in ((r19, "C19-V5b"), (r15, "P15-V5")):
        assert vid not in score(session, rubric, "s").vetoes
    factory.letter("s", 92, submitted=200, replied=None)              # the 政务咨询 column: counts
    for rubric, vid in ((r19, "C19-V5b"), (r15, "P15-V5")):
        assert vid in score(session, rubric, "s").vetoes


def test_letters_published_only_from_consultation_columns(session, factory, r19):
    """C19-D18: 「咨询建言类栏目（网上信访、纪检举报等专门渠道除外）…监测时间点前2个月内未更新的，扣3分」."""
    factory.good_site("s")
    session.query(m.Article).filter(m.Article.column_url == factory.consult["s"]).delete()
    session.query(m.Letter).filter_by(site_id="s").delete()
    factory.letter("s", 1, submitted=100, replied=95)
    survey = session.query(m.Column.url).filter_by(site_id="s", category="survey").scalar()
    factory.letter("s", 2, submitted=5, replied=3, column_url=survey)  # recent, but a survey reply
    d18 = of(score(session, r19, "s"), "C19-D18")
    assert len(d18) == 1 and d18[0].points == 3


def test_bonus_only_for_portals(session, factory, r19):
    """「第三部分为加分指标，适用于政府门户网站」: a department site gets no bonus."""
    factory.good_site("p", kind="portal")
    factory.good_site("d", kind="department")
    assert score(session, r19, "p").bonus > 0
    dep = score(session, r19, "d")
    assert dep.bonus == 0 and not [f for f in dep.findings if f.category == "bonus"]


def test_state_council_column_on_county_and_above_portal_home(session, factory, r19):
    """「县级以上地方各级政府门户网站…在首页显著位置开设了国务院重要政策信息专栏」: a column deep in the site is not
    on the home page; a department site or a township portal is not checked."""
    factory.good_site("p", home_features={"state_council": False})
    session.query(m.Column).filter_by(site_id="p", category="state_council").update({"depth": 2})
    assert of(score(session, r19, "p"), "C19-R1")
    session.query(m.Column).filter_by(site_id="p", category="state_council").update({"on_home": True})
    assert not of(score(session, r19, "p"), "C19-R1")
    factory.good_site("d", kind="department", home_features={"state_council": False})
    session.query(m.Column).filter_by(site_id="d", category="state_council").delete()
    assert not of(score(session, r19, "d"), "C19-R1")
    factory.good_site("t", home_features={"state_council": False})
    session.query(m.Column).filter_by(site_id="t", category="state_council").delete()
    assert of(score(session, r19, "t"), "C19-R1")
    session.query(m.RunSite).filter_by(site_id="t").update({"level": "乡镇级"})
    assert not of(score(session, r19, "t"), "C19-R1")


def test_rate_limited_fetch_is_not_breakage(session, factory, r15, r19):
    """C19-D22: 「链接…打不开或错误的，每发现一处，扣0.2分」 — a 429 (or 503 with Retry-After) is "slow down",
    not "打不开": no broken link, no unopenable column."""
    home = factory.good_site("s")
    factory.link("s", home + "slow.html", on_home=True, status=429)
    factory.s.add(m.Link(run_id="run1", site_id="s", page_url=home, link_url=home + "busy.html", on_home=True,
                         status=503, ok=False, error="503 Retry-After: 120"))
    factory.column("s", "限流栏目", "other", http_status=429)
    factory.s.flush()
    for rubric, did in ((r19, "C19-D22"), (r15, "P15-D2a")):
        assert not of(score(session, rubric, "s"), did)
    factory.link("s", home + "gone.html", on_home=True, status=404)
    assert len(of(score(session, r19, "s"), "C19-D22")) == 1


def test_container_column_is_judged_by_its_subcolumns(session, factory, r19):
    """C19-D5: 「监测时间点前6个月内政策文件类一级栏目未更新的，扣5分」 — a 一级栏目 holding only sub-columns is
    updated when they are; C19-D9: 「其他栏目存在应更新未更新的，每发现一个，扣1分（注：…已按其他指标扣分的，
    本指标项下不重复扣分。）」 — a stale depth-2 policy sub-column is judged there, once."""
    factory.good_site("s")
    session.query(m.Column).filter_by(site_id="s", category="policy").delete()
    top = factory.column("s", "政策文件", "policy", [], blank=True)
    factory.column("s", "市政府文件", "policy", [10], depth=2, parent_url=top)
    old = factory.column("s", "部门文件", "policy", [400], depth=2, parent_url=top)
    r = score(session, r19, "s")
    assert not of(r, "C19-D5") and not of(r, "C19-V4c")
    d9 = of(r, "C19-D9")
    assert [f.evidence["url"] for f in d9] == [old] and d9[0].points == 1
    # every sub-column stale: the 一级栏目 is stale (C19-D5, once) and C19-D9 does not deduct again
    session.query(m.Article).filter(m.Article.column_url != old, m.Article.title.like("市政府文件%")).delete(
        synchronize_session=False)
    r = score(session, r19, "s")
    assert [f.evidence["url"] for f in of(r, "C19-D5")] == [top]
    assert not [f for f in of(r, "C19-D9") if f.evidence.get("category") == "policy"]


def test_form_templates_on_a_sample_of_two_guides(session, factory, r19):
    """C19-D15: 「随机抽查2个办事指南，要求办事人提供申请表、申请书等表单但未提供规范表格获取渠道的，每发现一个
    存在该问题的办事指南，扣1分。」 The attachment's download check (a link row of the guide page) decides."""
    home = factory.good_site("s")
    session.query(m.Guide).filter_by(site_id="s").delete()
    factory.guide("s", 0, attachments=[{"mentions_forms": True}])                           # no form offered
    factory.guide("s", 1, attachments=[{"url": home + "b.doc"}, {"mentions_forms": True}])   # form fails
    factory.link("s", home + "b.doc", on_home=False, status=404, page_url=home + "bs/1.html")
    factory.guide("s", 2, attachments=[{"mentions_forms": True}])                           # outside the sample
    d15 = of(score(session, r19, "s"), "C19-D15")
    assert [f.evidence["url"] for f in d15] == [home + "bs/0.html", home + "bs/1.html"]
    assert sum(f.points for f in d15) == 2
    session.query(m.Link).filter_by(link_url=home + "b.doc").update({"ok": True, "status": 206})
    assert [f.evidence["url"] for f in of(score(session, r19, "s"), "C19-D15")] == [home + "bs/0.html"]
