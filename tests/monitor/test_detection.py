"""The pure parts of daily monitoring: a first page against the one before (new, pushed, taken off), the
dates an article page gives itself, lists read from a data endpoint's JSON, and the thresholds file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from govaudit.monitoring.listing import diff_first_page
from govaudit.monitoring.pagedate import article_date
from govaudit.monitoring.payload import entries_from_payload
from govaudit.monitoring.rules import DEFAULT_RULES, RulesError, load_rules
from govaudit.scoring.rubric import load_rubric
from tests.conftest import ROOT

ASOF = dt.date(2017, 12, 15)


def page(*urls: str) -> list[dict]:
    return [{"url": u, "title": u, "date": None} for u in urls]


def urls(entries: list[dict]) -> list[str]:
    return [e["url"] for e in entries]


@pytest.mark.parametrize(("before", "today", "new", "pushed", "removed"), [
    # two new entries on top push the last two down to page 2
    ("abcdef", "xyabcd", "xy", "ef", ""),
    # one taken from the middle: the page is refilled from page 2 at the bottom (g was known)
    ("abcdef", "abcefg", "", "", "d"),
    # the bottom one taken off, nothing added above it: refilled from below, so a removal
    ("abcdef", "abcdeg", "", "", "f"),
    # a new entry on top and one taken from the middle on the same day
    ("abcdef", "xabcef", "x", "", "d"),
    # a backdated entry inserted at its place by date pushes the last one down
    ("abcdef", "abcxde", "x", "f", ""),
    # the column emptied: everything taken off
    ("abcdef", "", "", "", "abcdef"),
    # nothing changed
    ("abcdef", "abcdef", "", "", ""),
])
def test_first_page_against_the_one_before(before: str, today: str, new: str, pushed: str, removed: str) -> None:
    known = set(before) | {"g"}
    diff = diff_first_page(page(*before), page(*today), known, infer_removals=True)
    assert "".join(urls(diff.new)) == new
    assert "".join(urls(diff.pushed)) == pushed
    assert "".join(urls(diff.removed)) == removed
    assert diff.changed == (before != today)


def test_no_removals_without_a_single_list_read_before() -> None:
    # a home page's blocks, or a column never read by the monitor: disappearance proves nothing
    diff = diff_first_page(page(*"abcdef"), page(*"xabcef"), set("abcdef"), infer_removals=False)
    assert urls(diff.new) == ["x"] and not diff.removed and not diff.pushed
    diff = diff_first_page([], page(*"abc"), set("ab"), infer_removals=True)
    assert urls(diff.new) == ["c"] and not diff.removed


def test_article_date_from_meta_then_labelled_text() -> None:
    meta = '<html><head><meta name="PubDate" content="2017-12-14 09:30"></head><body>发布时间：2017-11-01</body></html>'
    assert article_date(meta, ASOF) == dt.date(2017, 12, 14)
    text = "<html><body><div class='info'>来源：本网　发布日期：2017年12月03日　浏览次数：12</div></body></html>"
    assert article_date(text, ASOF) == dt.date(2017, 12, 3)
    assert article_date("<html><body>正文没有日期</body></html>", ASOF) is None


def test_entries_from_a_json_list() -> None:
    doc = {"code": 0, "data": {"total": 2, "rows": [
        {"docTitle": "关于开展安全生产检查的通知", "docUrl": "/tzgg/201712/t20171214_1.html", "pubDate": "2017-12-14"},
        {"docTitle": "关于放假安排的通知", "docUrl": "t20171201_2.html", "pubDate": "2017/12/01 10:00:00"},
    ]}, "menus": [{"name": "首页"}]}
    got = entries_from_payload(json.dumps(doc, ensure_ascii=False).encode(), "http://x.gov.cn/tzgg/", ASOF)
    assert got == [
        {"url": "http://x.gov.cn/tzgg/201712/t20171214_1.html", "title": "关于开展安全生产检查的通知", "date": "2017-12-14"},
        {"url": "http://x.gov.cn/tzgg/t20171201_2.html", "title": "关于放假安排的通知", "date": "2017-12-01"},
    ]
    assert entries_from_payload(b'{"list": [], "page": 1}', "http://x.gov.cn/a/", ASOF) == []
    assert entries_from_payload(b"<html>not json</html>", "http://x.gov.cn/a/", ASOF) is None


def test_thresholds_come_from_yaml_and_windows_from_the_rubric(tmp_path: Path) -> None:
    rubric = load_rubric("inspection-2019", ROOT / "rubrics")
    rules = load_rules(None, rubric)
    tree = yaml.safe_load(DEFAULT_RULES.read_text("utf-8"))
    assert rules.blank_at == tree["alerts"]["blank_columns"]["at"] and rules.blank_threshold == 5
    news = rules.key_rule("news", 2)
    notice = rules.key_rule("notice", 1)
    assert news is not None and str(news.margin) == "4天" and notice is not None and str(notice.margin) == "14天"
    assert rules.key_rule("notice", 2) is None  # the rubric's rule covers first-level 通知公告 only
    assert rules.key_rule("personnel", 1) is None
    tree["alerts"]["key_column"]["indicator"] = "C99-X"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(tree, allow_unicode=True), "utf-8")
    with pytest.raises(RulesError, match="no indicator C99-X"):
        load_rules(bad, rubric)
    tree["alerts"]["key_column"]["indicator"] = "C19-V4a"
    del tree["forged_dates"]
    bad.write_text(yaml.safe_dump(tree, allow_unicode=True), "utf-8")
    with pytest.raises(RulesError, match="missing forged_dates"):
        load_rules(bad, rubric)
