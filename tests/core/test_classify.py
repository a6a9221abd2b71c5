from __future__ import annotations

import pytest

from govaudit.classify import classify_column, load_table


@pytest.mark.parametrize(
    "name, key",
    [
        ("政务动态", "news"), ("部门动态", "news"), ("图片新闻", "news"),
        ("通知公告", "notice"), ("公示公告", "notice"),
        ("政策文件", "policy"), ("规范性文件", "policy"),
        ("政策解读", "interpretation"), ("图解政策", "interpretation"),
        ("人事信息", "personnel"), ("人事任免", "personnel"),
        ("规划计划", "planning"), ("发展规划", "planning"),
        ("机构职能", "functions"), ("领导信息", "leaders"), ("概况信息", "overview"),
        ("办事指南", "guide"), ("在线办事", "service"),
        ("领导信箱", "consultation"), ("12345热线", "consultation"), ("网上调查", "survey"),
        ("意见征集", "survey"), ("在线访谈", "interview"), ("网上信访", "petition"),
        ("国务院信息", "state_council"), ("国务院要闻", "state_council"), ("专题专栏", "special"),
        ("统计数据", "data"), ("关于我们", "other"),
    ],
)
def test_keyword_table(name: str, key: str) -> None:
    assert classify_column(name) == key


def test_labels_and_groups_come_from_data() -> None:
    table = load_table()
    assert table.label("news") == "动态要闻" and table.groups["interaction"] == "互动交流类"
    assert table.classify("  通知 · 公告 ") == "notice"  # spacing and separators ignored


def test_classify_pipeline_classifies_and_counts_columns() -> None:
    from scrapy.utils.test import get_crawler

    from govaudit.pipelines.classify import ColumnClassifyPipeline
    from govaudit.records import Column, Entry

    crawler = get_crawler(settings_dict={"GOVAUDIT_CATEGORY_TABLE": None})
    pipe = ColumnClassifyPipeline.from_crawler(crawler)
    cols = [
        Column(run_id="r", site_id="s", url="http://s.gov.cn/tzgg/", name="通知公告",
               entries=[Entry(url="http://s.gov.cn/tzgg/1.html", date_text="2017-13-45")]),
        Column(run_id="r", site_id="s", url="http://s.gov.cn/", name="首页", source="home"),
        Column(run_id="r", site_id="s", url="http://s.gov.cn/kb/", name="空栏目", blank=True, error="HTTP 404"),
    ]
    for col in cols:
        assert pipe.process_item(col) is col
    assert cols[0].category == "notice" and cols[1].category == "home"
    stats = crawler.stats
    assert stats.get_value("govaudit/columns") == 3
    assert stats.get_value("govaudit/columns_blank") == 1 and stats.get_value("govaudit/columns_error") == 1
    assert stats.get_value("govaudit/columns_undated") == 1
