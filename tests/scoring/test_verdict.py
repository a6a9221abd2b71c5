"""Pass rules of both rubrics: veto, the 60-point line, caps, the bonus above 80, 75 × 4/3, unaudited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govaudit.scoring.rubric import load_rubric
from govaudit.store import models as m

from .conftest import RUBRICS_DIR
from .factory import ASOF
from .helpers import of, score

# 2019 manual deductions adding up to 40 after caps (C19-D19 is given 8 but capped at 7)
MANUAL_40 = [("C19-D11", 5), ("C19-D16", 7), ("C19-D19", 8), ("C19-D14", 5), ("C19-D10", 3), ("C19-D17", 3),
             ("C19-D26", 2), ("C19-D28", 2), ("C19-D12", 2), ("C19-D24", 3), ("C19-D29", 1)]


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (RUBRICS_DIR / f"{name}.yaml").read_text("utf-8")
    assert old in text
    path = tmp_path / f"{name}-variant.yaml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize(("extra_broken", "verdict", "points"), [(0, "qualified", 60), (1, "unqualified", 59.9)])
def test_2015_sixty_point_line(session, factory, r15, extra_broken, verdict, points):
    factory.good_site("s")
    factory.manual("s", "P15-D4d", 40, "领导姓名写错以外的信息不准确")
    for i in range(extra_broken):
        factory.link("s", f"http://www.s.gov.cn/x{i}.html", on_home=False)     # −0.1
    r = score(session, r15, "s")
    assert r.deduction_score == points and r.score == points and r.verdict == verdict
    assert r.bonus == 0                                     # the 2015 sheet has no bonus


def test_2015_boundary_is_a_yaml_choice(session, factory, tmp_path):
    strict = load_rubric(str(_variant(tmp_path, "census-2015", "inclusive: true", "inclusive: false")), RUBRICS_DIR)
    factory.good_site("s")
    factory.manual("s", "P15-D4d", 40)
    r = score(session, strict, "s")
    assert r.score == 60 and r.verdict == "unqualified"


@pytest.mark.parametrize(("extra_broken", "verdict", "points"), [(0, "qualified", 60), (1, "unqualified", 59.9)])
def test_2019_sixty_point_line_with_caps(session, factory, r19, extra_broken, verdict, points):
    factory.good_site("s")
    for ind, pts in MANUAL_40:
        factory.manual("s", ind, pts)
    for i in range(extra_broken):
        factory.link("s", f"http://www.s.gov.cn/x{i}.html", on_home=False)
    r = score(session, r19, "s")
    assert [f.points for f in of(r, "C19-D19")] == [7]
    assert of(r, "C19-D19")[0].evidence["points_before_cap"] == 8
    assert r.deduction_score == points and r.verdict == verdict
    assert r.bonus == 0 and r.score == points                # no bonus at or below 80


@pytest.mark.parametrize(("deducted", "bonus"), [(20, 0), (19.5, 4)])
def test_2019_bonus_only_above_80(session, factory, r19, deducted, bonus):
    factory.good_site("s")            # earns C19-B1 2 + C19-B7 2 automatically
    factory.manual("s", "C19-D16", 7)
    factory.manual("s", "C19-D19", 7)
    factory.manual("s", "C19-D11", 5)
    factory.manual("s", "C19-D8", deducted - 19)
    r = score(session, r19, "s")
    assert r.deduction_score == 100 - deducted
    assert r.bonus == bonus and r.score == 100 - deducted + bonus
    assert r.verdict == "qualified"
    assert all(f.points == (0 if not bonus else f.points) for f in of(r, "C19-B1"))


def test_2019_bonus_cap(session, factory, tmp_path):
    capped = load_rubric(str(_variant(tmp_path, "inspection-2019", "bonus_cap: 30", "bonus_cap: 3")), RUBRICS_DIR)
    factory.good_site("s")
    r = score(session, capped, "s")
    assert r.bonus == 3 and r.score == 103
    assert sum(f.points for f in r.findings if f.category == "bonus") == 3


def test_2019_department_without_services_out_of_75_times_4_3(session, factory, r19):
    factory.good_site("d", has_services=False)
    factory.guide("d", 9, elements=[])                        # would cost under C19-D13: skipped
    factory.manual("d", "C19-D11", 5)                         # 办事服务 block: skipped
    factory.manual("d", "C19-D16", 7)
    factory.manual("d", "C19-D19", 7)
    factory.manual("d", "C19-D29", 1)
    r = score(session, r19, "d")
    assert not of(r, "C19-D13") and not of(r, "C19-D11")
    assert r.deduction_score == 80                            # (75 − 15) × 4/3
    assert r.bonus == 0 and r.verdict == "qualified"          # 80 is not above 80


def test_veto_ends_scoring(session, factory, r15, r19):
    """「出现单项否决指标中任意一种情形，即判定为不合格网站，不再对其他指标进行评分」 (2019 评分说明; the 2015
    sheet likewise): a vetoed site is unqualified without a score; what else was found is kept for rectification,
    marked as not scored."""
    factory.good_site("s")
    factory.manual("s", "C19-V1", None, "将领导人姓名写错")
    factory.manual("s", "C19-D16", 7)
    r = score(session, r19, "s")
    assert r.verdict == "unqualified" and r.vetoes == ["C19-V1"]
    assert r.score is None and r.deduction_score is None and r.bonus == 0
    assert "C19-V1" in r.reason and of(r, "C19-V1")[0].evidence["author"] == "tester"
    deduction = of(r, "C19-D16")[0]
    assert deduction.points == 7 and deduction.evidence["not_scored"] is True
    bonuses = [f for f in r.findings if f.category == "bonus"]
    assert bonuses and all(f.points == 0 and f.evidence["not_scored"] for f in bonuses)   # good_site earns B1, B7
    # the same site without the veto is scored as usual
    session.query(m.ManualFinding).filter_by(indicator="C19-V1").delete()
    clean = score(session, r19, "s")
    assert clean.deduction_score == 93 and clean.verdict == "qualified"
    assert not any("not_scored" in f.evidence for f in clean.findings)
    factory.manual("s", "P15-V4", None, "严重错别字")
    vetoed15 = score(session, r15, "s")
    assert vetoed15.verdict == "unqualified" and vetoed15.score is None and vetoed15.vetoes == ["P15-V4"]


@pytest.mark.parametrize("state", ["unreachable", "blocked", "error"])
def test_down_site_with_enough_probes_gets_the_availability_veto(session, factory, r15, r19, state):
    """C19-V2 / P15-V1: 「监测1周，每天间隔性访问20次以上，超过（含）15秒网站仍打不开的次数累计占比超过（含）5%，
    即单项否决。」 A site the crawl could not open is judged on the probes: 140 of 140 failed is 不合格."""
    factory.site("down", crawl_state=state)
    factory.probes("down", 140, 140)
    for rubric, vid in ((r15, "P15-V1"), (r19, "C19-V2")):
        r = score(session, rubric, "down")
        assert r.verdict == "unqualified" and r.vetoes == [vid] and r.score is None
        assert [f.indicator for f in r.findings] == [vid] and r.findings[0].evidence["failures"] == 140


@pytest.mark.parametrize("state", ["unreachable", "blocked", "error"])
def test_down_site_without_enough_probes_is_unaudited_and_says_why(session, factory, r15, r19, state):
    """「每天间隔性访问20次以上」: 19 probes on one day of the week is not enough data, whatever the total."""
    factory.site("down", crawl_state=state)
    factory.probes("down", 140, 140)
    session.query(m.Probe).filter(m.Probe.at == session.query(m.Probe.at).order_by(m.Probe.at).limit(1)
                                  .scalar_subquery()).delete(synchronize_session=False)
    session.add_all(m.Probe(site_id="down", url="http://www.down.gov.cn/", ok=False, error="timeout",
                            at=dt.datetime.combine(ASOF - dt.timedelta(days=2), dt.time(3, i))) for i in range(10))
    session.flush()
    for rubric, vid in ((r15, "P15-V1"), (r19, "C19-V2")):
        r = score(session, rubric, "down")
        assert r.verdict == "unaudited" and r.score is None and r.deduction_score is None
        assert "未能检查" in r.reason and state in r.reason and "监测数据不足" in r.reason and "19次" in r.reason
        info = [f for f in r.findings if f.indicator == vid]
        assert len(info) == 1 and len(info[0].evidence["short_days"]) == 1


def test_requirement_findings_do_not_move_the_score(session, factory, r15):
    factory.good_site("s", home_features={"zhaocuo": False, "state_council": False})
    session.query(m.Column).filter_by(category="state_council").delete()
    r = score(session, r15, "s")
    assert {f.indicator for f in r.findings if f.category == "requirement"} == {"P15-R1", "P15-R2"}
    assert r.score == 100 and r.verdict == "qualified"


def test_manual_finding_outside_its_validity_or_rubric(session, factory, r15, r19):
    import datetime as dt

    from .factory import ASOF

    factory.good_site("s")
    factory.manual("s", "C19-D16", 7, valid_from=ASOF + dt.timedelta(days=1))   # not yet valid
    factory.manual("s", "P15-V4", None, "严重错别字")                             # a 2015 id
    r = score(session, r19, "s")
    assert r.deduction_score == 100 and r.verdict == "qualified"
    info = [f for f in r.findings if f.indicator == "P15-V4"]
    assert len(info) == 1 and info[0].category == "info" and info[0].manual
    assert "P15-V4" in score(session, r15, "s").vetoes
