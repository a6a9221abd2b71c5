"""A small test factory that writes evidence rows into the real SQL tables (govaudit.store.models)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from govaudit.store import models as m

ASOF = dt.date(2024, 6, 30)

FULL_FEATURES: dict[str, Any] = {
    "zhaocuo": True,
    "conac": True,
    "site_code": "2301000001",
    "icp": "黑ICP备05002021号",
    "police_beian": "黑公网安备 23010202000123号",
    "organizer": True,
    "contact": True,
    "meta": {"SiteName": "示范市人民政府", "SiteDomain": "www.demo.gov.cn", "SiteIDCode": "2301000001",
             "ColumnName": "要闻", "ArticleTitle": "标题", "PubDate": "2024-06-29", "ContentSource": "办公室"},
    "search": True,
    "state_council": True,
    "title": "示范市人民政府",
    "site_name_in_header": True,
}
ALL_ELEMENTS = ["name", "basis", "conditions", "materials", "location", "agency", "fees", "hours", "phone", "process"]


def ago(days: int, asof: dt.date = ASOF) -> dt.date:
    return asof - dt.timedelta(days=days)


class Factory:
    def __init__(self, session: Session, run_id: str = "run1", asof: dt.date = ASOF,
                 rubric: str = "inspection-2019") -> None:
        self.s = session
        self.run_id = run_id
        self.asof = asof
        self._n = 0
        self.consult: dict[str, str] = {}  # site id -> its 政务咨询 column URL (letters are read from it)
        if session.get(m.Run, run_id) is None:
            session.add(m.Run(id=run_id, kind="audit", asof=asof, rubric=rubric, status="finished"))
            session.flush()

    def commit(self) -> None:
        self.s.commit()

    # --- rows -------------------------------------------------------------------------------------
    def site(self, site_id: str, *, crawl_state: str = "ok", has_services: bool = True, kind: str = "portal",
             url: str | None = None, home_features: dict[str, Any] | None = None) -> str:
        url = url or f"http://www.{site_id}.gov.cn/"
        self.s.add(m.RunSite(run_id=self.run_id, site_id=site_id, name=f"{site_id}政府网", url=url,
                             kind=kind, has_services=has_services, crawl_state=crawl_state,
                             home_status=200 if crawl_state == "ok" else None, final_url=url,
                             error="" if crawl_state == "ok" else "connection refused", done=True))
        if crawl_state == "ok":
            self.page(site_id, url, "home", dict(FULL_FEATURES, **(home_features or {})))
        self.s.flush()
        return url

    def home_url(self, site_id: str) -> str:
        return f"http://www.{site_id}.gov.cn/"

    def page(self, site_id: str, url: str, kind: str, features: dict[str, Any] | None = None,
             status: int = 200) -> None:
        self.s.add(m.Page(run_id=self.run_id, site_id=site_id, url=url, kind=kind, status=status,
                          features=features if features is not None else dict(FULL_FEATURES)))
        self.s.flush()

    def column(self, site_id: str, name: str, category: str, dates: Iterable[int | dt.date | None] = (),
               *, depth: int = 1, blank: bool = False, blank_note: bool = False, http_status: int | None = 200,
               error: str = "", source: str = "nav", on_home: bool = False, url: str | None = None,
               parent_url: str | None = None) -> str:
        self._n += 1
        url = url or f"{self.home_url(site_id)}col/{category}/{self._n}/"
        resolved = [ago(d, self.asof) if isinstance(d, int) else d for d in dates]
        dated = [d for d in resolved if d is not None and d <= self.asof]
        self.s.add(m.Column(
            run_id=self.run_id, site_id=site_id, url=url, name=name,
            parent_url=parent_url or self.home_url(site_id),
            depth=depth, source=source, on_home=on_home, category=category, http_status=http_status,
            error=error, blank=blank, blank_note=blank_note, pages_fetched=0 if http_status and http_status >= 400 else 1,
            entries_count=len(resolved), undated=sum(1 for d in resolved if d is None),
            latest=max(dated) if dated else None,
        ))
        for i, d in enumerate(resolved):
            self.s.add(m.Article(run_id=self.run_id, site_id=site_id, column_url=url, url=f"{url}a{i}.html",
                                 title=f"{name}信息{i}", date=d))
        self.s.flush()
        if category == "consultation":
            self.consult.setdefault(site_id, url)
        return url

    def home_entries(self, site_id: str, dates: Iterable[int | dt.date | None]) -> str:
        return self.column(site_id, "首页", "home", dates, depth=0, source="home", on_home=True,
                           url=self.home_url(site_id))

    def link(self, site_id: str, link_url: str, *, on_home: bool, ok: bool = False, status: int | None = 404,
             page_url: str | None = None) -> None:
        self.s.add(m.Link(run_id=self.run_id, site_id=site_id, page_url=page_url or self.home_url(site_id),
                          link_url=link_url, on_home=on_home, status=status, ok=ok))
        self.s.flush()

    def guide(self, site_id: str, n: int, elements: list[str] | None = None,
              attachments: list[dict[str, Any]] | None = None) -> None:
        self.s.add(m.Guide(run_id=self.run_id, site_id=site_id, url=f"{self.home_url(site_id)}bs/{n}.html",
                           title=f"事项{n}", elements=list(ALL_ELEMENTS if elements is None else elements),
                           attachments=attachments or []))
        self.s.flush()

    def letter(self, site_id: str, n: int, submitted: int | dt.date | None, replied: int | dt.date | None,
               column_url: str | None = None) -> None:
        """A published letter, read from `column_url` (default: the site's 政务咨询 column)."""
        sub = ago(submitted, self.asof) if isinstance(submitted, int) else submitted
        rep = ago(replied, self.asof) if isinstance(replied, int) else replied
        self.s.add(m.Letter(run_id=self.run_id, site_id=site_id, url=f"{self.home_url(site_id)}xx/{n}.html",
                            title=f"留言{n}", submitted=sub, replied=rep,
                            column_url=column_url if column_url is not None else self.consult.get(site_id, "")))
        self.s.flush()

    def probes(self, site_id: str, total: int, failures: int, *, days: int = 7) -> None:
        """`total` probes spread over the `days` days before as-of (local noon ≈ 04:00 UTC), first ones failing."""
        for i in range(total):
            day = self.asof - dt.timedelta(days=1 + i % days)
            at = dt.datetime.combine(day, dt.time(4, 0)) + dt.timedelta(minutes=i)
            self.s.add(m.Probe(site_id=site_id, url=self.home_url(site_id), at=at, ok=i >= failures,
                               status=200 if i >= failures else None, elapsed=0.5,
                               error="" if i >= failures else "timeout 15s"))
        self.s.flush()

    def manual(self, site_id: str, indicator: str, points: float | None, message: str = "人工发现",
               valid_from: dt.date | None = None) -> None:
        self.s.add(m.ManualFinding(site_id=site_id, indicator=indicator, points=points, message=message,
                                   author="tester", valid_from=valid_from))
        self.s.flush()

    # --- a site that meets both rubrics ----------------------------------------------------------
    def good_site(self, site_id: str = "good", **site_kw: Any) -> str:
        """Every automatic check passes: fresh home page and columns, full footer and tags, answered letters,
        complete guides, 140 successful probes."""
        home = self.site(site_id, **site_kw)
        self.home_entries(site_id, [0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        self.column(site_id, "要闻动态", "news", [1, 3, 8])
        self.column(site_id, "通知公告", "notice", [5, 40])
        self.column(site_id, "政策文件", "policy", [10, 90])
        self.column(site_id, "政策解读", "interpretation", [20])
        self.column(site_id, "人事信息", "personnel", [100])
        self.column(site_id, "规划计划", "planning", [200])
        self.column(site_id, "政府概况", "overview", [None])
        self.column(site_id, "机构职能", "functions", [None])
        self.column(site_id, "领导信息", "leaders", [None])
        self.column(site_id, "国务院信息", "state_council", [2])
        self.column(site_id, "数据发布", "data", [30])
        self.column(site_id, "政务服务", "service", [None])
        self.column(site_id, "咨询留言", "consultation", [3, 20])
        self.column(site_id, "网上调查", "survey", [10, 50, 90, 150, 200, 300])
        self.column(site_id, "在线访谈", "interview", [15, 60, 100, 160, 220, 320])
        self.page(site_id, f"{home}col/news/", "column")
        self.page(site_id, f"{home}art/1.html", "article")
        for i in range(5):
            self.guide(site_id, i, attachments=[{"url": f"{home}f{i}.doc", "ok": True, "status": 200}])
        for i in range(3):
            self.letter(site_id, i, submitted=30 + i, replied=25 + i)
        self.probes(site_id, 140, 0)
        return home
