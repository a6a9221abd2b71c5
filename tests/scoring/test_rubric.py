"""Rubric files: content of both national rubrics, and validation errors naming file and indicator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govaudit.scoring.checks import CHECKS
from govaudit.scoring.rubric import RubricError, load_rubric, rubric_path

from .conftest import RUBRICS_DIR

IDS_2015 = ["P15-V1", "P15-V2", "P15-V3a", "P15-V3b", "P15-V3c", "P15-V4", "P15-V5", "P15-D1", "P15-D2a",
            "P15-D2b", "P15-D3", "P15-D4a", "P15-D4b", "P15-D4c", "P15-D4d", "P15-D5a", "P15-D5b", "P15-D6",
            "P15-D7", "P15-D8a", "P15-D8b", "P15-D9", "P15-D10", "P15-R1", "P15-R2", "P15-R3", "P15-R4"]


def test_2015_rubric_has_every_indicator(r15):
    assert [i.id for i in r15.indicators] == IDS_2015
    assert not any(i.category == "bonus" for i in r15.indicators)
    assert r15.pass_rule.pass_mark == 60 and r15.pass_rule.inclusive is True
    assert {i.id for i in r15.indicators if i.category == "requirement"} == {"P15-R1", "P15-R2", "P15-R3", "P15-R4"}
    assert r15.indicator("P15-V4").check == "manual"


def test_2019_rubric_blocks_caps_and_ids(r19):
    ids = {i.id for i in r19.indicators}
    expected = {f"C19-D{n}" for n in range(1, 30) if n != 20} | {"C19-D20a", "C19-D20b", "C19-D20c"}
    expected |= {f"C19-B{n}" for n in range(1, 11)}
    expected |= {"C19-V1", "C19-V2", "C19-V3", "C19-V4a", "C19-V4b", "C19-V4c", "C19-V5a", "C19-V5b",
                 "C19-V6a", "C19-V6b"}
    assert expected <= ids
    for block, total in {"发布解读": 31, "办事服务": 25, "互动交流": 23, "功能设计": 21}.items():
        assert r19.blocks[block] == total
        caps = sum(i.cap for i in r19.indicators if i.block == block and i.category == "deduction")
        assert caps == total, block
    bonus_caps = sum(i.cap for i in r19.indicators if i.category == "bonus")
    assert bonus_caps == 30 == r19.pass_rule.bonus_cap
    assert r19.pass_rule.bonus_above == 80
    assert r19.pass_rule.skip_blocks_without_services == ("办事服务",)


def test_every_check_kind_is_used_by_a_national_rubric(r15, r19):
    used = {i.check for r in (r15, r19) for i in r.indicators}
    assert set(CHECKS) <= used


def test_name_or_path(tmp_path):
    assert rubric_path("inspection-2019", RUBRICS_DIR) == RUBRICS_DIR / "inspection-2019.yaml"
    own = tmp_path / "province.yaml"
    own.write_text((RUBRICS_DIR / "inspection-2019.yaml").read_text("utf-8").replace(
        "name: inspection-2019", "name: heilongjiang-2024"), "utf-8")
    assert load_rubric(str(own), RUBRICS_DIR).name == "heilongjiang-2024"
    with pytest.raises(RubricError, match="not found"):
        load_rubric("no-such-rubric", RUBRICS_DIR)


def _broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((RUBRICS_DIR / "inspection-2019.yaml").read_text("utf-8"))
    mutate({i["id"]: i for i in data["indicators"]}, data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "indicator", "text"),
    [
        (lambda i, d: i["C19-V3"].update(check="home_fresh"), "C19-V3", "unknown check kind 'home_fresh'"),
        (lambda i, d: i["C19-V4a"]["params"].pop("threshold"), "C19-V4a", "missing required param 'threshold'"),
        (lambda i, d: i["C19-V2"]["params"].update(threshold_pct="5%"), "C19-V2", "param 'threshold_pct': bad type"),
        (lambda i, d: i["C19-D4"]["params"].update(window=14.5), "C19-D4", "param 'window': bad type"),
        (lambda i, d: i["C19-D4"]["params"].update(window="6 months"), "C19-D4", "param 'window': bad type"),
        (lambda i, d: i["C19-D4"]["params"].update(categories=["newz"]), "C19-D4", "unknown column categories"),
        (lambda i, d: i["C19-D21"].update(category="penalty"), "C19-D21", "unknown category 'penalty'"),
        (lambda i, d: i["C19-D22"]["params"].pop("points_home"), "C19-D22", "missing required param 'points_home'"),
        (lambda i, d: i["C19-D22"]["params"].update(windw=3), "C19-D22", "unknown param 'windw'"),
        (lambda i, d: i["C19-V4a"]["params"]["rules"][0].pop("window"), "C19-V4a", "needs categories and window"),
        (lambda i, d: i["C19-V3"]["messages"].pop("nav_only"), "C19-V3", "wording 'nav_only'"),
        (lambda i, d: d["indicators"].append(dict(i["C19-D1"])), "C19-D1", "duplicate id"),
    ],
)
def test_validation_errors_name_file_and_indicator(tmp_path, mutate, indicator, text):
    path = _broken(tmp_path, mutate)
    with pytest.raises(RubricError) as exc:
        load_rubric(str(path), RUBRICS_DIR)
    message = str(exc.value)
    line = next(ln for ln in message.splitlines() if text in ln)
    assert str(path) in line and f"indicator {indicator}" in line


def test_points_are_required_for_deductions_but_not_requirements(tmp_path):
    path = _broken(tmp_path, lambda i, d: i["C19-D25"]["params"].pop("points"))
    with pytest.raises(RubricError, match=r"indicator C19-D25: missing required param 'points'"):
        load_rubric(str(path), RUBRICS_DIR)
    ok = _broken(tmp_path, lambda i, d: i["C19-D25"].update(category="requirement", cap=None,
                                                            params={}))
    assert load_rubric(str(ok), RUBRICS_DIR).indicator("C19-D25").category == "requirement"


def test_yaml_syntax_error_names_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nindicators: [\n  - id: A\n", "utf-8")
    with pytest.raises(RubricError, match=r"bad\.yaml: YAML syntax error"):
        load_rubric(str(path), RUBRICS_DIR)


def test_every_message_placeholder_is_filled_by_its_check(r15, r19, session, factory):
    """Score sites that trigger most wordings and make sure no {placeholder} is left in any message."""
    from .helpers import score

    factory.site("bad", url="http://bad.example.com/", home_features=dict.fromkeys(("zhaocuo", "conac", "site_code", "icp", "police_beian", "organizer", "contact", "search", "state_council", "site_name_in_header"), False))
    factory.home_entries("bad", [None, 20])
    for i in range(6):
        factory.column("bad", f"动态{i}", "news", [30])
        factory.column("bad", f"空{i}", "other", [], blank=True)
    factory.column("bad", "公开", "disclosure", [], blank=True, blank_note=True)
    factory.column("bad", "断", "notice", [], http_status=500)
    factory.column("bad", "咨询", "consultation", [400])
    factory.column("bad", "调查", "survey", [10])
    factory.column("bad", "访谈", "interview", [])
    factory.link("bad", "http://bad.example.com/x", on_home=False)
    factory.guide("bad", 1, [], attachments=[{"url": "http://bad.example.com/f.doc", "ok": False, "status": 404}])
    factory.letter("bad", 1, 200, None)
    factory.letter("bad", 2, 300, 100)
    factory.probes("bad", 140, 3)
    factory.page("bad", "http://bad.example.com/a.html", "article", {"meta": {}, "zhaocuo": False})
    factory.page("bad", "http://bad.example.com/c/", "column", {"meta": {}})
    for rubric in (r15, r19):
        result = score(session, rubric, "bad")
        assert len(result.findings) > 15
        for f in result.findings:
            assert "{" not in f.message and "}" not in f.message, (f.indicator, f.message)
        assert "{" not in result.reason
