"""Writes realistic runs (sites, columns, articles, links, guides, probes, scores, findings) into a real
SQLite file through the project's own schema, for the reporting tests and the benchmark."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, create_engine, insert
from sqlalchemy.orm import Session

from govaudit.scoring.subjects import EvidenceIndex, cite, subject_of
from govaudit.store.models import (
    Article,
    Base,
    Column,
    Finding,
    Guide,
    Link,
    Probe,
    Run,
    RunSite,
    Score,
)

REGIONS = ["哈尔滨市", "齐齐哈尔市", "牡丹江市", "大庆市", "佳木斯市", "省直部门"]
DEPARTMENTS = ["人民政府", "发展和改革委员会", "教育局", "卫生和计划生育委员会", "文化广电新闻出版局", "住房和城乡建设局", "交通运输局", "农业委员会"]
COUNTIES = ["", "第一区", "第二区", "第三区", "东县", "西县", "南县", "北县", "新城区", "老城区", "开发区", "高新区", "江北区"]
COLUMNS = [  # (name, category, slug)
    ("政务动态", "news", "zwdt"),
    ("通知公告", "notice", "tzgg"),
    ("政策文件", "policy", "zcwj"),
    ("政策解读", "interpretation", "zcjd"),
    ("人事信息", "personnel", "rsxx"),
    ("办事指南", "guide", "bszn"),
    ("互动交流", "consultation", "hdjl"),
]


@dataclass
class FindingSpec:
    """A stored finding. `subject_url` and `refs` default to what the scoring service derives from the
    evidence keys against the site's stored rows (govaudit.scoring.subjects), as a real scorer stores them."""

    indicator: str
    category: str
    title: str
    message: str
    points: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    check: str = ""
    subject_url: str | None = None
    refs: list[dict[str, str]] | None = None


@dataclass
class ColumnSpec:
    name: str
    url: str
    category: str
    latest: dt.date | None
    entries: int = 5
    blank: bool = False
    undated: int = 0
    on_home: bool = False
    source: str = "nav"
    http_status: int | None = 200


@dataclass
class SiteSpec:
    site_id: str
    name: str
    url: str
    region: str = "哈尔滨市"
    level: str = "市级"
    organizer: str = ""
    verdict: str | None = "qualified"  # None = no score row
    score: float | None = 95.0
    vetoes: list[str] = field(default_factory=list)
    reason: str = ""
    crawl_state: str = "ok"
    error: str = ""
    home_status: int | None = 200
    findings: list[FindingSpec] = field(default_factory=list)
    columns: list[ColumnSpec] = field(default_factory=list)
    broken_links: list[tuple[str, str, int]] = field(default_factory=list)  # (page, link, status)
    guides: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (url, title, elements)


def make_engine(target: Path | str) -> Engine:
    """An engine on an SQLite file path or any SQLAlchemy URL, with the schema created."""
    url = target if isinstance(target, str) and "://" in target else f"sqlite:///{target}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    return engine


def add_run(
    engine: Engine,
    run_id: str,
    asof: dt.date,
    sites: list[SiteSpec],
    *,
    kind: str = "spotcheck",
    rubric: str = "inspection-2019",
    totals: dict[str, int] | None = None,
    sample_share: float | None = 0.3,
    params: dict[str, Any] | None = None,
) -> None:
    started = dt.datetime.combine(asof - dt.timedelta(days=5), dt.time(9, 0))
    runs_rows: list[dict[str, Any]] = []
    site_rows, col_rows, art_rows, link_rows, guide_rows, score_rows, finding_rows = [], [], [], [], [], [], []
    runs_rows.append(
        {
            "id": run_id, "kind": kind, "asof": asof, "rubric": rubric, "started": started,
            "finished": started + dt.timedelta(days=4, hours=8), "status": "finished", "sample_share": sample_share,
            "sample_seed": "42", "totals": totals or {}, "params": params or {},
        }
    )
    for s in sites:
        site_rows.append(
            {
                "run_id": run_id, "site_id": s.site_id, "name": s.name, "url": s.url, "organizer": s.organizer or s.name,
                "region": s.region, "level": s.level, "kind": "department", "has_services": True, "crawl_state": s.crawl_state,
                "home_status": s.home_status, "final_url": s.url, "error": s.error, "done": True,
            }
        )
        for c in s.columns:
            col_rows.append(
                {
                    "run_id": run_id, "site_id": s.site_id, "url": c.url, "name": c.name, "parent_url": s.url, "depth": 1,
                    "source": c.source, "on_home": c.on_home, "category": c.category, "http_status": c.http_status, "error": "",
                    "blank": c.blank, "blank_note": False, "pages_fetched": 1, "rendered": False,
                    "entries_count": 0 if c.blank else c.entries, "undated": c.undated, "latest": c.latest,
                }
            )
            if c.latest and not c.blank:
                for i in range(c.entries):
                    day = c.latest - dt.timedelta(days=i * 9)
                    art_rows.append(
                        {
                            "run_id": run_id, "site_id": s.site_id, "column_url": c.url,
                            "url": f"{c.url}t{day:%Y%m%d}_{i}.html", "title": f"{c.name}第{i + 1}条 {day:%m月%d日}工作情况",
                            "date": day,
                        }
                    )
        for page, link, status in s.broken_links:
            link_rows.append(
                {"run_id": run_id, "site_id": s.site_id, "page_url": page, "link_url": link, "on_home": page == s.url,
                     "status": status, "ok": False, "error": ""}
            )
        if s.columns:
            link_rows.append(
                {"run_id": run_id, "site_id": s.site_id, "page_url": s.url, "link_url": s.columns[0].url, "on_home": True,
                     "status": 200, "ok": True, "error": ""}
            )
        for url, title, elements in s.guides:
            guide_rows.append({"run_id": run_id, "site_id": s.site_id, "url": url, "title": title, "elements": elements, "attachments": []})
        if s.verdict is not None:
            score_rows.append(
                {
                    "run_id": run_id, "site_id": s.site_id, "rubric": rubric, "verdict": s.verdict, "score": s.score,
                    "deduction_score": s.score, "bonus": 0.0, "vetoes": s.vetoes, "reason": s.reason,
                }
            )
        index = _index(s, col_rows, link_rows, run_id)
        for f in s.findings:
            finding_rows.append(
                {
                    "run_id": run_id, "site_id": s.site_id, "indicator": f.indicator, "category": f.category, "check": f.check,
                    "title": f.title, "points": f.points, "message": f.message, "evidence": f.evidence, "manual": False,
                    "subject_url": subject_of(f.evidence) if f.subject_url is None else f.subject_url,
                    "evidence_refs": cite(f.evidence, index) if f.refs is None else f.refs,
                }
            )
    with Session(engine) as session, session.begin():
        for model, rows in (
            (Run, runs_rows), (RunSite, site_rows), (Column, col_rows), (Article, art_rows), (Link, link_rows),
            (Guide, guide_rows), (Score, score_rows), (Finding, finding_rows),
        ):
            if rows:
                session.execute(insert(model), rows)


def _index(site: SiteSpec, col_rows: list[dict[str, Any]], link_rows: list[dict[str, Any]], run_id: str) -> EvidenceIndex:
    """The site's stored evidence rows, as the scoring service indexes them to cite them."""
    def mine(rows: list[dict[str, Any]]) -> list[SimpleNamespace]:
        return [SimpleNamespace(**r) for r in rows if r["site_id"] == site.site_id and r["run_id"] == run_id]

    columns = [SimpleNamespace(**vars(c), articles=[]) for c in mine(col_rows)]
    return EvidenceIndex(SimpleNamespace(columns=columns, pages=[SimpleNamespace(url=site.url)], links=mine(link_rows),
                                         guides=[SimpleNamespace(url=g[0]) for g in site.guides], letters=[]))


def add_probes(engine: Engine, site_id: str, url: str, start: dt.datetime, days: int, per_day: int, fail_every: int = 0) -> None:
    rows = []
    for d in range(days):
        for k in range(per_day):
            n = d * per_day + k
            ok = not (fail_every and n % fail_every == 0)
            rows.append(
                {"site_id": site_id, "url": url, "at": start + dt.timedelta(days=d, minutes=k * (1440 // per_day)),
                     "ok": ok, "status": 200 if ok else None, "elapsed": 0.3 if ok else 15.0, "error": "" if ok else "timeout"}
            )
    with Session(engine) as session, session.begin():
        session.execute(insert(Probe), rows)


def stale_veto(home: str, cols: list[ColumnSpec]) -> FindingSpec:
    return FindingSpec(
        "C19-V4a", "veto", "栏目不更新",
        "多个栏目长期未更新：" + "；".join(f"{c.name} 最近更新 {c.latest}" for c in cols),
        evidence={"columns": [c.url for c in cols], "count": len(cols), "threshold": 5},
        check="stale_columns_count",
    )


def realistic_site(rng: random.Random, i: int, asof: dt.date, verdict: str, *, prefix: str = "230") -> SiteSpec:
    """One site with seven columns and a home block; an unqualified one has a stale-column veto."""
    region = REGIONS[i % len(REGIONS)]
    dept = DEPARTMENTS[(i // len(REGIONS)) % len(DEPARTMENTS)]
    site_id = f"{prefix}{i:07d}"
    host = f"http://www{i}.example.gov.cn/"
    round_ = i // (len(REGIONS) * len(DEPARTMENTS))
    county = COUNTIES[round_ % len(COUNTIES)] if round_ else ""
    name = f"{region}{county}{dept}" if region != "省直部门" else f"黑龙江省{dept}"
    if round_ >= len(COUNTIES):
        name += f"（{i}）"
    level = "省级" if region == "省直部门" else ("市级" if i % 3 else "县级")
    home = ColumnSpec("首页", host, "home", asof - dt.timedelta(days=rng.randint(0, 5)), on_home=True, source="home")
    cols = [home]
    for cname, cat, slug in COLUMNS:
        fresh = asof - dt.timedelta(days=rng.randint(1, 12))
        cols.append(ColumnSpec(cname, f"{host}{slug}/", cat, fresh, entries=rng.randint(3, 6)))
    site = SiteSpec(site_id, name, host, region=region, level=level, columns=cols)
    if verdict == "unqualified":
        stale = cols[1:6]
        for c in stale:
            c.latest = asof - dt.timedelta(days=rng.randint(200, 400))
        site.verdict, site.score, site.vetoes = "unqualified", None, ["C19-V4a"]
        site.findings.append(stale_veto(host, stale))
        site.reason = "单项否决：栏目不更新"
    else:
        site.score = float(100 - rng.choice([0, 1, 2, 5]))
        if site.score < 100:
            site.findings.append(
                FindingSpec("C19-D23", "deduction", "找错入口", "首页底部未规范添加“我为政府网站找错”入口",
                            points=1.0, evidence={"url": host, "status": 200})
            )
        if site.score <= 95:
            broken = f"{host}images/banner_{i}.jpg"
            site.broken_links.append((host, broken, 404))
            site.findings.append(
                FindingSpec("C19-D22", "deduction", "可用性", "首页存在不可用链接1处", points=0.2,
                            evidence={"links": [{"url": broken, "status": 404, "page_url": host}]})
            )
    site.guides.append((f"{host}bszn/g{i}.html", "户籍迁移登记", ["name", "basis", "materials", "location", "phone"]))
    return site


def spotcheck_sites(n: int, unqualified: int, asof: dt.date, seed: int = 7, prefix: str = "230") -> list[SiteSpec]:
    rng = random.Random(seed)
    bad = set(rng.sample(range(n), unqualified))
    return [realistic_site(rng, i, asof, "unqualified" if i in bad else "qualified", prefix=prefix) for i in range(n)]


HLJ_TOTALS = {"registered": 1560, "running": 567, "offline_temporary": 8, "offline_permanent": 985}
