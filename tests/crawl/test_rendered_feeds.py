"""Is a feed seen while rendering the list the page showed (govaudit.crawl.feedlists.same_list)?"""

from __future__ import annotations

from govaudit.crawl.feedlists import same_list
from govaudit.records import Entry


def _entries(*pairs: tuple[str, str]) -> list[Entry]:
    return [Entry(url=f"http://www.example.gov.cn{path}", title=title, date=None) for path, title in pairs]


SHOWN = _entries(("/tzgg/1.html", "关于开展安全检查的通知"), ("/tzgg/2.html", "关于 2026 年度预算公开的公告"),
                 ("/tzgg/3.html", "关于调整办公时间的通知"), ("/tzgg/4.html", "征求意见稿"))


def test_the_same_records_by_address_or_by_title() -> None:
    assert same_list(SHOWN, _entries(("/tzgg/1.html", "x"), ("/tzgg/2.html", "y"), ("/a", "z"), ("/b", "w")))
    # links the script builds its own way (javascript:, another path): the titles tell, spacing aside
    assert same_list(SHOWN, _entries(("/detail?id=1", "关于开展安全检查的通知"), ("/detail?id=2", "x")))
    assert same_list(SHOWN, _entries(("/detail?id=2", "关于2026年度 预算公开的公告"),))


def test_another_list_or_none_is_not_the_same() -> None:
    assert not same_list(SHOWN, _entries(("/rdzt/1.html", "热点专题第1期"), ("/rdzt/2.html", "热点专题第2期")))
    assert not same_list(SHOWN, _entries(("/tzgg/1.html", "x"), ("/a", "y"), ("/b", "z"), ("/c", "w")))  # 1 of 4
    assert not same_list(SHOWN, []) and not same_list([], SHOWN)
