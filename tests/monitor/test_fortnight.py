"""Daily monitoring over a simulated fortnight of the demo province (govaudit.demo.timeline): a full audit
on day 0, then every day the server moves to the next day (publishing, deleting, backdating, stalling,
emptying columns, one outage), probes run, a person reviews flags on the planned days, and
`scrapy crawl monitor` makes its pass; alerts go to a real SMTP server and a webhook on loopback.

Checked against the simulation's own record (its answer key): every planted backdated entry is flagged,
every planted deletion is seen (and nothing else is taken for one), each planted alert opens once on the
day its line is crossed and clears on the day it is fixed, and the monthly report's figures equal SQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from govaudit.asof import local_midnight_utc, window
from govaudit.demo.server import DemoServer
from govaudit.demo.timeline import Fortnight
from govaudit.monitoring.rules import DEFAULT_RULES
from govaudit.store import models as m
from govaudit.store.db import get_engine
from tests.e2e.conftest import run_scrapy
from tests.monitor.channels import Hook, Mailbox, smtp_server, webhook_server

pytestmark = pytest.mark.slow

START = dt.date(2026, 10, 4)  # day 0: the full audit; days 1..14 fall in October 2026
DAYS = 14
PROBES_IN_A_ROW = 2  # this test's unreachable threshold: one probe a day (two on day 1)
OFFICE = "office@monitor.example"
REGION_MAIL = "jiangcheng@monitor.example"


@dataclass
class Fortnightly:
    fortnight: Fortnight
    base: dict[str, str]  # site id -> base URL
    db_url: str
    reports: Path
    box: Mailbox
    hook: Hook
    env: dict[str, str]
    outputs: dict[str, str]


def _review(env: dict[str, str], db_url: str, reports: Path, site_id: str) -> None:
    engine = get_engine(db_url)
    with Session(engine) as s:
        ids = list(s.scalars(select(m.DateFlag.id).where(m.DateFlag.site_id == site_id, m.DateFlag.status == "open")))
    assert ids, f"no open flag of {site_id} to review"
    res = run_scrapy(["monitor", "review", ",".join(map(str, ids)), "confirmed", "--by", "张审核"], db_url, reports,
                     extra_env=env)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("fortnight")
    fortnight = Fortnight(START, days=DAYS)
    rules = yaml.safe_load(DEFAULT_RULES.read_text("utf-8"))
    rules["alerts"]["unreachable"]["probes"] = PROBES_IN_A_ROW
    (tmp / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), "utf-8")
    db_url = f"sqlite:///{tmp / 'govaudit.sqlite'}"
    reports = tmp / "reports"
    server = DemoServer(fortnight.province(0))
    with smtp_server() as (host, port, box), webhook_server() as (hook_url, hook):
        (tmp / "recipients.yaml").write_text(yaml.safe_dump({"groups": [
            {"name": "示范省人民政府办公厅", "email": [OFFICE], "webhook": [hook_url]},
            {"name": "江城市人民政府办公室", "region": "江城市", "email": [REGION_MAIL]},
        ]}, allow_unicode=True), "utf-8")
        env = {"GOVAUDIT_MONITOR_RULES": str(tmp / "rules.yaml"), "GOVAUDIT_ALERT_RECIPIENTS": str(tmp / "recipients.yaml"),
               "GOVAUDIT_SMTP_HOST": host, "GOVAUDIT_SMTP_PORT": str(port), "GOVAUDIT_SMTP_FROM": "monitor@gov.example"}
        base = server.start()
        outputs: dict[str, str] = {}
        try:
            registry = server.write_registry(tmp / "registry.csv")
            res = run_scrapy(["crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={START}"], db_url, reports,
                             timeout=900, extra_env=env)
            assert res.returncode == 0, res.stderr[-3000:]
            reviews = fortnight.reviews
            for day in range(1, DAYS + 1):
                server.serve_day(fortnight.province(day), fortnight.down(day))
                for _ in range(2 if day == 1 else 1):
                    res = run_scrapy(["crawl", "probe", "-a", f"registry={registry}"], db_url, reports, extra_env=env)
                    assert res.returncode == 0, res.stderr[-3000:]
                for review_day, site_id in reviews:
                    if review_day == day:
                        _review(env, db_url, reports, site_id)
                res = run_scrapy(["crawl", "monitor", "-a", f"registry={registry}", "-a", f"asof={fortnight.date(day)}"],
                                 db_url, reports, timeout=600, extra_env=env)
                outputs[f"day{day}"] = res.stdout
                assert res.returncode == 0, f"day {day}:\n{res.stdout}\n{res.stderr[-4000:]}"
            res = run_scrapy(["report", "--monthly", "2026-10"], db_url, reports, extra_env=env)
            outputs["monthly"] = res.stdout + res.stderr
            assert res.returncode == 0, outputs["monthly"][-3000:]
        finally:
            server.stop()
        yield Fortnightly(fortnight, base, db_url, reports, box, hook, env, outputs)


def _session(sim: Fortnightly) -> Session:
    return Session(get_engine(sim.db_url))


def _alerts(sim: Fortnightly) -> list[m.MonitorAlert]:
    with _session(sim) as s:
        return list(s.scalars(select(m.MonitorAlert).order_by(m.MonitorAlert.id)))


def _rules(sim: Fortnightly) -> dict[str, Any]:
    return yaml.safe_load(Path(sim.env["GOVAUDIT_MONITOR_RULES"]).read_text("utf-8"))


def _first_day_out(sim: Fortnightly, newest: dt.date, period_after: str, margin: str | None, first: int) -> int:
    """The first day from `first` on whose as-of date puts `newest` out of the window (of `period_after`, looked
    at `margin` ahead) — the rule of the alert, applied to the simulation's own dates."""
    from govaudit.asof import Period

    for day in range(first, DAYS + 1):
        asof = sim.fortnight.date(day)
        ahead = Period.parse(margin).after(asof) if margin else asof
        if newest not in window(ahead, period_after):
            return day
    raise AssertionError(f"{newest} never leaves its window in the fortnight")


def _planted_alerts(sim: Fortnightly) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(site, condition, subject) -> (day it opens, day it clears), from the simulation's record."""
    f = sim.fortnight
    rules = _rules(sim)
    day0 = f.province(0)
    out: dict[tuple[str, str, str], tuple[int, int]] = {}
    news_margin = rules["alerts"]["key_column"]["margin"]["news"]
    for stall in f.stalls:
        site = day0.site(stall.site_id)
        base = sim.base[stall.site_id]
        if not stall.column:
            out[(stall.site_id, "home_stale", "")] = (
                _first_day_out(sim, stall.newest, rules["alerts"]["home_stale"]["after"], None, stall.first), stall.last + 1)
        for col in site.all_columns():
            if col.category == "news" and col.spec.kind == "list" and (not stall.column or col.name == stall.column):
                out[(stall.site_id, "key_column", base + col.path.lstrip("/"))] = (
                    _first_day_out(sim, col.entries[0].date, "14d", news_margin, stall.first), stall.last + 1)
    for blank in f.blanks:
        out[(blank.site_id, "blank_columns", "")] = (blank.grows, blank.recovers)
    for outage in f.outages:
        failed = 0
        for day in range(1, DAYS + 1):
            failed = failed + (2 if day == 1 else 1) if day in outage.days else 0
            if failed >= PROBES_IN_A_ROW:
                break
        out[(outage.site_id, "unreachable", "")] = (day, max(outage.days) + 1)
    for p in f.planted:
        out[(p.site_id, "forged_date", "")] = (p.day, p.review_day)
    return out


# --- the answers ------------------------------------------------------------------------------------------


def test_every_planted_backdated_entry_is_flagged(simulated: Fortnightly) -> None:
    with _session(simulated) as s:
        flags = list(s.scalars(select(m.DateFlag)))
    by_url = {}
    for flag in flags:
        by_url.setdefault(flag.url, []).append(flag)
    planted = simulated.fortnight.planted
    assert {p.kind for p in planted} == {"backdated", "page_later", "url_later"}
    for p in planted:
        url = simulated.base[p.site_id] + p.path.lstrip("/")
        kinds = {f.kind: f for f in by_url.get(url, [])}
        assert p.kind in kinds, (p, sorted(by_url))
        flag = kinds[p.kind]
        assert flag.day == simulated.fortnight.date(p.day) and flag.list_date == p.list_date
        if p.other_date is not None:
            assert flag.other_date == p.other_date
        assert flag.evidence["first_seen"] == simulated.fortnight.date(p.day).isoformat()
        assert flag.status == "confirmed" and flag.reviewed_by == "张审核"
    # nothing published in the normal way was taken for a forged date
    planted_urls = {simulated.base[p.site_id] + p.path.lstrip("/") for p in planted}
    assert {f.url for f in flags} == planted_urls


def test_every_planted_deletion_is_seen(simulated: Fortnightly) -> None:
    f = simulated.fortnight
    day0 = f.province(0)
    with _session(simulated) as s:
        gone = list(s.scalars(select(m.LedgerEntry).where(m.LedgerEntry.gone.is_not(None))))
    planted = [r for r in f.removals if r.planted]
    assert len(planted) == 3
    for r in planted:
        base = simulated.base[r.site_id]
        column_url = base + day0.site(r.site_id).column(r.column).path.lstrip("/")
        rows = [e for e in gone if e.url == base + r.path.lstrip("/") and e.column_url == column_url]
        assert len(rows) == 1, r
        assert rows[0].gone == f.date(r.day) and rows[0].gone_how == "page-gone"  # its page answers 404 too
    # every entry taken for deleted was taken off a list by the simulation that day (no push mistaken)
    removed = {(simulated.base[r.site_id] + r.path.lstrip("/"), f.date(r.day)) for r in f.removals}
    assert {(e.url, e.gone) for e in gone} <= removed


def test_each_planted_alert_fires_once_and_clears(simulated: Fortnightly) -> None:
    alerts = _alerts(simulated)
    f = simulated.fortnight
    expected = _planted_alerts(simulated)
    assert len(expected) >= 9
    for key, (opens, clears) in expected.items():
        rows = [a for a in alerts if (a.site_id, a.condition, a.subject) == key]
        assert len(rows) == 1, (key, [(a.opened, a.cleared) for a in rows])
        assert (rows[0].opened, rows[0].cleared) == (f.date(opens), f.date(clears)), key
    # nothing else crossed a line during the fortnight: every other alert was already there on day 1
    late = [(a.site_id, a.condition, a.subject, a.opened) for a in alerts
            if (a.site_id, a.condition, a.subject) not in expected and a.opened != f.date(1)]
    assert not late
    # ... and those stay open (those sites never changed)
    assert all(a.cleared is None for a in alerts if (a.site_id, a.condition, a.subject) not in expected)


def test_alert_messages_once_each_and_a_daily_digest(simulated: Fortnightly) -> None:
    alerts = {a.id: a for a in _alerts(simulated)}
    office = simulated.box.to(OFFICE)
    hooks = [p["json"] for p in simulated.hook.posts]
    assert all(p["type"].startswith("application/json") for p in simulated.hook.posts)
    alert_hooks = Counter(h["alert_id"] for h in hooks if h["kind"] == "alert")
    assert set(alert_hooks) == set(alerts) and set(alert_hooks.values()) == {1}  # one per alert, never twice
    alert_mails = [msg for msg in office if msg["Subject"].startswith("【政府网站监测预警】")]
    assert len(alert_mails) == len(alerts)
    digests = [h for h in hooks if h["kind"] == "digest"]
    assert sorted(h["day"] for h in digests) == [simulated.fortnight.date(d).isoformat() for d in range(1, DAYS + 1)]
    for h in digests:
        day = dt.date.fromisoformat(h["day"])
        assert {a["id"] for a in h["opened"]} == {a.id for a in alerts.values() if a.opened == day}
        assert {a["id"] for a in h["cleared"]} == {a.id for a in alerts.values() if a.cleared == day}
    # the region's office hears about its own sites only
    jiangcheng = {"2301000003", "2301000009", "2301000015"}
    regional = simulated.box.to(REGION_MAIL)
    mine = [a for a in alerts.values() if a.site_id in jiangcheng]
    assert len([msg for msg in regional if msg["Subject"].startswith("【政府网站监测预警】")]) == len(mine)
    text = next(msg for msg in office if "疑似伪造发稿日期" in msg["Subject"]).get_content()
    assert "人工核实" in text


def _articles(ledger: list[m.LedgerEntry]) -> tuple[dict[tuple[str, str], dt.date], dict[tuple[str, str], dt.date]]:
    """(site, url) -> the day it first appeared (URLs never known from the audit), and -> the day it was
    first taken off a list."""
    rows: dict[tuple[str, str], list[m.LedgerEntry]] = {}
    for e in ledger:
        rows.setdefault((e.site_id, e.url), []).append(e)
    new = {k: min(e.first_seen for e in v) for k, v in rows.items() if not any(e.seeded for e in v)}
    gone = {k: min(e.gone for e in v if e.gone) for k, v in rows.items() if any(e.gone for e in v)}
    return new, gone


def test_monthly_report_figures_equal_sql(simulated: Fortnightly) -> None:
    folder = simulated.reports / "monthly-2026-10"
    data = json.loads((folder / "data.json").read_text("utf-8"))
    with _session(simulated) as s:
        days = list(s.scalars(select(m.MonitorSiteDay)))
        ledger = list(s.scalars(select(m.LedgerEntry)))
        alerts = list(s.scalars(select(m.MonitorAlert)))
        flags = list(s.scalars(select(m.DateFlag)))
        probes = list(s.scalars(select(m.Probe)))
    october = [d for d in days if d.day.month == 10]
    new, gone = _articles(ledger)
    new_oct = {k: d for k, d in new.items() if d.month == 10}
    assert data["passes"] == len({d.run_id for d in october})
    assert data["days_monitored"] == len({d.day for d in october}) == DAYS
    assert data["sites_monitored"] == len({d.site_id for d in october})
    assert data["new_entries"] == len(new_oct) > 0
    assert data["removed_entries"] == sum(1 for d in gone.values() if d.month == 10) > 0
    # probes are stamped with the real time (UTC); the month is October in the time zone of the report
    lo, hi = local_midnight_utc(dt.date(2026, 10, 1)), local_midnight_utc(dt.date(2026, 11, 1))
    in_month = [p for p in probes if lo <= p.at < hi]
    assert data["probes"] == len(in_month) and data["probes_ok"] == sum(p.ok for p in in_month)
    opened = [a for a in alerts if a.opened.month == 10]
    assert data["alerts"]["opened"] == len(opened)
    assert data["alerts"]["recovered"] == sum(1 for a in opened if a.cleared is not None)
    assert data["rectification"]["rectified"] == sum(1 for a in alerts if a.cleared is not None)
    assert data["flags"]["total"] == len(flags) and data["flags"]["confirmed"] == sum(f.status == "confirmed" for f in flags)
    by_site = {row["site_id"]: row for row in data["sites"]}
    for site_id in {d.site_id for d in october}:
        mine = [d for d in october if d.site_id == site_id]
        row = by_site[site_id]
        assert row["days_checked"] == len(mine) and row["days_reachable"] == sum(d.reachable for d in mine)
        assert row["new_entries"] == sum(1 for (sid, _u) in new_oct if sid == site_id)
        assert row["alerts_opened"] == sum(1 for a in opened if a.site_id == site_id)
        assert row["flags"] == sum(1 for f in flags if f.site_id == site_id)
    series = {p["day"]: p for p in data["daily"]}
    assert len(series) == 31
    for day in {d.day for d in october}:
        point = series[day.isoformat()]
        assert point["new_entries"] == sum(1 for d in new_oct.values() if d == day)
        assert point["reachable"] == sum(1 for d in october if d.day == day and d.reachable)
        assert point["open_alerts"] == sum(1 for a in alerts if a.opened <= day and (a.cleared is None or a.cleared > day))
    for name in ("index.html", "summary.html", "运行情况月报-2026-10.docx"):
        assert (folder / name).is_file(), name
    svgs = list((folder / "charts").glob("*.svg"))
    assert len(svgs) == 3 and all(b"http" not in p.read_bytes().replace(b"http://www.w3.org", b"") for p in svgs)
    summary = (folder / "summary.html").read_text("utf-8")
    assert "运行情况" in summary and f"监测政府网站{data['sites_monitored']}家" in summary
    assert f"新发布信息{data['new_entries']}条" in summary
    shutil.rmtree(folder)  # the report is rendered again from SQL alone, with the same figures
    res = run_scrapy(["report", "--monthly", "2026-10"], simulated.db_url, simulated.reports, extra_env=simulated.env)
    assert res.returncode == 0
    again = json.loads((folder / "data.json").read_text("utf-8"))
    assert {k: v for k, v in again.items() if k != "generated_at"} == {k: v for k, v in data.items() if k != "generated_at"}
