"""Display labels for the report (Chinese UI); column-category labels come from the data file."""

from __future__ import annotations

from functools import lru_cache

from govaudit.extract.guides import ELEMENT_LABELS

VERDICT_LABELS = {"qualified": "合格", "unqualified": "不合格", "unaudited": "未能检查"}
CATEGORY_LABELS = {
    "veto": "单项否决",
    "deduction": "扣分",
    "bonus": "加分",
    "requirement": "规范要求",
    "info": "提示",
}
CRAWL_STATE_LABELS = {
    "ok": "正常",
    "pending": "未完成抓取",
    "unreachable": "无法访问",
    "blocked": "访问被拦截（403/429/防火墙）",
    "error": "抓取出错",
}
LEVEL_ORDER = ["省级", "市级", "县级"]
# Key element categories of a service guide (C19-V6 / C19-D13); element keys as the guide extractor names them.
GUIDE_ELEMENTS = dict(ELEMENT_LABELS)  # one table, owned by the guide extractor
EVIDENCE_LABELS = {
    "url": "网址",
    "urls": "网址",
    "column_url": "栏目",
    "columns": "栏目",
    "page_url": "所在页面",
    "link_url": "链接",
    "links": "链接",
    "status": "HTTP状态",
    "http_status": "HTTP状态",
    "date": "日期",
    "dates": "日期",
    "latest": "最近更新",
    "found": "发现时间",
    "count": "数量",
    "counts": "数量",
    "name": "名称",
    "names": "名称",
    "error": "错误",
    "window_days": "考察天数",
    "threshold": "阈值",
    "missing": "缺少",
    "ratio": "比例",
    "category": "栏目类别",
    "depth": "栏目层级",
    "entries": "条目数",
    "undated": "未注明日期条数",
    "reason": "判定依据",
    "title": "标题",
    "submitted": "留言时间",
    "replied": "答复时间",
    "days": "天数",
    "elements": "要素",
    "pages": "页面数",
    "total": "总数",
    "on_home": "位于首页",
    "navigation_only": "首页仅为导航",
    "item": "事项",
    "sample": "抽查样本",
    "probes": "监测次数",
    "failures": "打不开次数",
}
# Findings of these check kinds make a column "stale" in the column tables (findings stored without a check
# kind, e.g. by an older version, still count when they name the column).
FRESHNESS_CHECKS = frozenset({"home_updated", "stale_columns_count", "column_freshness", "other_columns"})
# Problem indicators are these finding categories; bonus and info are not problems.
PROBLEM_CATEGORIES = ("veto", "deduction", "requirement")


@lru_cache(maxsize=1)
def column_category_labels() -> dict[str, str]:
    """category key -> Chinese label, from govaudit/data/column_categories.yaml (plus home/other)."""
    from govaudit.classify import load_table

    return load_table().labels()


def category_label(key: str | None) -> str:
    if not key:
        return column_category_labels()["other"]
    return column_category_labels().get(key, key)
