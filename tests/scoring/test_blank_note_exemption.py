"""The 备注说明 exemption of an empty column, as the rubric writes it (issue 11.2, scoring side)."""

from __future__ import annotations

from sqlalchemy import update

from govaudit.store import models as m

from .helpers import of, score


def _good_with(factory, site_id: str) -> None:
    factory.good_site(site_id)


def test_note_exempts_only_in_disclosure_columns(session, factory, r15, r19):
    """S15-g (信息公开目录): 「若根据"三定方案"或工作实际情况，经核查确实未产生信息导致部分栏目无内容的，应在该栏目
    信息展示页面上备注说明」; P15-V3.3 / C19-V4.3: 「空白栏目数量超过（含）5个」 vetoes.

    The note exempts an empty column only where the rubric allows it (its ``note_categories``: the 信息公开
    categories, or a column below one of them); five noted empty columns elsewhere are five blank columns."""
    _good_with(factory, "s")
    for i in range(5):
        factory.column("s", f"专题活动{i}", "special", [], blank=False, blank_note=True)
    for rubric, vid in ((r19, "C19-V4c"), (r15, "P15-V3c")):
        result = score(session, rubric, "s")
        veto = of(result, vid, "veto")
        assert veto and veto[0].evidence["count"] == 5, (vid, [f.message for f in result.findings])
        assert not of(result, vid, "info")

    _good_with(factory, "t")
    for i in range(5):
        factory.column("t", f"行政处罚{i}", "policy" if i % 2 else "disclosure", [], blank=False, blank_note=True)
    for rubric, vid in ((r19, "C19-V4c"), (r15, "P15-V3c")):
        result = score(session, rubric, "t")
        assert not of(result, vid, "veto")
        assert len(of(result, vid, "info")) == 5  # reported: 已在栏目页面备注说明未产生信息


def test_note_exempts_a_column_below_the_disclosure_directory(session, factory, r19):
    """S15-g: the exemption belongs to the 信息公开目录's own columns, whatever their names (行政强制, 重大项目)."""
    _good_with(factory, "s")
    parent = factory.column("s", "政府信息公开", "disclosure", [5])
    children = [factory.column("s", f"重点领域{i}", "other", [], depth=2, blank_note=True) for i in range(5)]
    session.execute(update(m.Column).where(m.Column.url.in_(children)).values(parent_url=parent))
    session.flush()
    result = score(session, r19, "s")
    assert not of(result, "C19-V4c", "veto")
    assert len(of(result, "C19-V4c", "info")) == 5
    assert not [f for f in of(result, "C19-D9") if "空白" in f.message]


def test_noted_column_outside_disclosure_is_deducted_as_blank_once(session, factory, r19):
    """C19-D9: 「其他栏目存在空白的，每发现一个，扣2分」 - a note outside 信息公开 does not save the column."""
    _good_with(factory, "s")
    factory.column("s", "风险监测", "other", [], blank_note=True)
    result = score(session, r19, "s")
    blank = [f for f in of(result, "C19-D9") if "空白栏目" in f.message]
    assert len(blank) == 1 and blank[0].points == 2
