"""The crawl plan's tables: which columns the budget keeps first, when a navigation is too thin."""

from __future__ import annotations

from govaudit.crawl.plan import load_plan


def test_rubric_branches_first_in_page_order() -> None:
    plan = load_plan()
    cols = [("专题专栏", "/ztzl/"), ("工作动态", "/gzdt/"), ("文明创建", "/wmcj/"), ("领导信箱", "/ldxx/"),
            ("办事指南", "/bszn/"), ("政府信息公开", "/xxgk/"), ("通知公告", "/tzgg/")]
    names = [n for n, _ in plan.order(cols)]
    assert names[:5] == ["工作动态", "领导信箱", "办事指南", "政府信息公开", "通知公告"]
    assert set(names[5:]) == {"专题专栏", "文明创建"}


def test_thin_navigation_depends_on_the_kind() -> None:
    plan = load_plan()
    assert plan.nav_too_thin("portal", 6) and not plan.nav_too_thin("portal", 12)
    assert plan.nav_too_thin("department", 2) and not plan.nav_too_thin("department", 6)
    assert plan.nav_too_thin("unknown-kind", 1)
