"""Alerts on both stores: each line is crossed exactly where the rubric window (through govaudit.asof) and the
thresholds YAML put it, an alert opens once per site, condition and subject, clears when the condition is
gone, and opens again if it comes back; messages go out over real SMTP and a webhook, once each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from govaudit.asof import window
from govaudit.monitoring.alerts import evaluate
from govaudit.monitoring.notify import Notifier, RecipientsError, SiteInfo, SmtpConfig, load_recipients
from govaudit.monitoring.rules import Rules, load_rules
from govaudit.scoring.rubric import load_rubric
from govaudit.store import models as m
from govaudit.store.db import get_engine
from tests.conftest import ROOT
from tests.monitor.channels import smtp_server, webhook_server

DAY = dt.date(2024, 8, 31)  # a month's last day: six calendar months back is not 183 days back
SITE = "2301000001"


@pytest.fixture
def rules() -> Rules:
    return load_rules(None, load_rubric("inspection-2019", ROOT / "rubrics"))


@pytest.fixture
def Session_(db_url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(db_url), expire_on_commit=False)


def _column(url: str, *, role: str = "list", category: str = "other", depth: int = 1, latest: dt.date | None = None,
            blank: bool = False, blank_note: bool = False, name: str = "栏目") -> m.MonitorColumn:
    return m.MonitorColumn(site_id=SITE, url=url, name=name, category=category, depth=depth, role=role, latest=latest,
                           blank=blank, blank_note=blank_note, last_read=DAY - dt.timedelta(days=1), snapshot=[])


def _open(Session_: sessionmaker[Session], rules: Rules, day: dt.date = DAY) -> list[tuple[str, str]]:
    with Session_.begin() as s:
        evaluate(s, rules, day, [SITE])
    with Session_() as s:
        return sorted((a.condition, a.subject) for a in s.scalars(select(m.MonitorAlert).where(m.MonitorAlert.cleared.is_(None))))


def test_home_page_and_key_columns_cross_where_the_windows_say(Session_: sessionmaker[Session], rules: Rules) -> None:
    home_line = window(DAY, rules.home_after).start
    notice = rules.key_rule("notice", 1)
    news = rules.key_rule("news", 2)
    assert notice is not None and news is not None
    notice_line = window(notice.margin.after(DAY), notice.window).start
    news_line = window(news.margin.after(DAY), news.window).start
    with Session_.begin() as s:
        s.add(m.MonitorSite(site_id=SITE))
        s.add(_column("http://x/", role="home", category="home", depth=0, latest=home_line))
        s.add(_column("http://x/tzgg/", category="notice", latest=notice_line, name="通知公告"))
        s.add(_column("http://x/zcwj/", category="policy", latest=notice_line - dt.timedelta(days=1), name="政策文件"))
        s.add(_column("http://x/a/b/tz/", category="notice", depth=2, latest=None, name="二级通知"))  # not key
        s.add(_column("http://x/gzdt/", category="news", depth=2, latest=news_line - dt.timedelta(days=1), name="动态"))
        s.add(_column("http://x/rsxx/", category="personnel", latest=dt.date(2020, 1, 1), name="人事"))  # not key
    assert _open(Session_, rules) == [("key_column", "http://x/gzdt/"), ("key_column", "http://x/zcwj/")]
    # a day later every line has moved (calendar months: as the calendar says)
    next_day = DAY + dt.timedelta(days=1)
    opened = _open(Session_, rules, next_day)
    assert ("home_stale", "") in opened
    assert (("key_column", "http://x/tzgg/") in opened) == (
        notice_line not in window(notice.margin.after(next_day), notice.window))


def test_blank_columns_unreachable_and_forged_dates(Session_: sessionmaker[Session], rules: Rules) -> None:
    with Session_.begin() as s:
        s.add(m.MonitorSite(site_id=SITE))
        for i in range(rules.blank_at - 1):
            s.add(_column(f"http://x/b{i}/", blank=True))
        s.add(_column("http://x/note/", blank=False, blank_note=True))  # an explanatory note: not blank
        s.add(_column("http://x/gone/", blank=True))
        for i in range(rules.unreachable_probes):
            s.add(m.Probe(site_id=SITE, url="http://x/", at=dt.datetime(2024, 8, 30, 1 + i), ok=i == 0, error="x"))
    assert _open(Session_, rules) == [("blank_columns", "")]  # the oldest of the last N probes was ok
    with Session_.begin() as s:
        s.add(m.Probe(site_id=SITE, url="http://x/", at=dt.datetime(2024, 8, 30, 23), ok=False, error="超时"))
        col = s.scalars(select(m.MonitorColumn).where(m.MonitorColumn.url == "http://x/gone/")).one()
        col.gone_day = DAY  # left the site: no longer counted
        s.add(m.DateFlag(site_id=SITE, url="http://x/a.html", kind="backdated", day=DAY, list_date=DAY))
    assert _open(Session_, rules) == [("forged_date", ""), ("unreachable", "")]
    with Session_() as s:
        cleared = s.scalars(select(m.MonitorAlert).where(m.MonitorAlert.condition == "blank_columns")).one()
        assert cleared.cleared == DAY and cleared.details["count"] == rules.blank_at
    # the same day again: nothing opens twice
    assert _open(Session_, rules) == [("forged_date", ""), ("unreachable", "")]
    with Session_.begin() as s:
        s.scalars(select(m.DateFlag)).one().status = "dismissed"
        s.add(m.Probe(site_id=SITE, url="http://x/", at=dt.datetime(2024, 8, 31, 1), ok=True))
    assert _open(Session_, rules) == []
    with Session_.begin() as s:
        for i in range(rules.unreachable_probes):
            s.add(m.Probe(site_id=SITE, url="http://x/", at=dt.datetime(2024, 8, 31, 2 + i), ok=False))
    assert _open(Session_, rules) == [("unreachable", "")]
    with Session_() as s:  # it came back: a second alert, the first one stays cleared
        rows = list(s.scalars(select(m.MonitorAlert).where(m.MonitorAlert.condition == "unreachable")))
        assert len(rows) == 2 and rows[0].cleared == DAY and rows[1].cleared is None


def test_recipients_file(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump({"groups": [
        {"name": "省办公厅", "email": "a@x"},
        {"name": "江城市", "region": ["江城市"], "webhook": "http://127.0.0.1:1/h"},
        {"name": "发改委", "organizer": "示范省发展和改革委员会", "site_id": 2300000002, "email": ["b@x"]},
    ]}, allow_unicode=True), "utf-8")
    office, city, ndrc = load_recipients(path)
    jc = SiteInfo("2301000003", region="江城市", organizer="江城市人社局")
    assert office.covers(jc) and city.covers(jc) and not ndrc.covers(jc)
    assert ndrc.covers(SiteInfo("2300000002")) and ndrc.covers(SiteInfo("9", organizer="示范省发展和改革委员会"))
    for bad, message in (({"groups": [{"name": "x"}]}, "email or a webhook"),
                         ({"groups": [{"name": "x", "email": "a@x", "town": "y"}]}, "unknown key"),
                         ({"groups": [{"name": "x", "webhook": "ftp://h/"}]}, "not an http"),
                         ({"people": []}, "groups")):
        path.write_text(yaml.safe_dump(bad), "utf-8")
        with pytest.raises(RecipientsError, match=message):
            load_recipients(path)


def test_messages_go_out_once_and_failed_ones_are_tried_again(Session_: sessionmaker[Session], tmp_path: Path) -> None:
    with smtp_server() as (host, port, box), webhook_server() as (hook_url, hook):
        notifier = Notifier(Session_, [
            *load_recipients(_recipients(tmp_path, hook_url)),
        ], ROOT / "reports" / "templates", smtp=SmtpConfig(host, port, "monitor@gov.example"), timeout=10)
        with Session_.begin() as s:
            alert = m.MonitorAlert(site_id=SITE, condition="blank_columns", subject="", opened=DAY,
                                   details={"indicator": "C19-V4c", "count": 4, "at": 4, "threshold": 5,
                                            "names": ["应急预案", "风险监测", "救灾物资", "科普宣教"], "urls": []},
                                   last_details={})
            s.add(alert)
        site = SiteInfo(SITE, "江城市某局网站", "http://x/", "江城市", "江城市某局")
        hook.fail = True
        notifier.alerts(DAY, [alert], {SITE: site})
        assert len(box.to("office@x")) == 1 and len(box.to("city@x")) == 1 and not hook.posts
        assert notifier.failed == 1 and notifier.to_retry([alert]) == [alert]
        hook.fail = False
        notifier.alerts(DAY, notifier.to_retry([alert]), {SITE: site})
        notifier.alerts(DAY, [alert], {SITE: site})  # already sent everywhere: nothing more
        assert len(box.messages) == 2 and len(hook.posts) == 1 and notifier.to_retry([alert]) == []
        mail = box.to("office@x")[0]
        assert mail["Subject"] == "【政府网站监测预警】江城市某局网站：空白栏目偏多"
        body = mail.get_content()
        assert "空白栏目4个（达到5个即单项否决）" in body and "应急预案" in body
        post = hook.posts[0]["json"]
        assert post["kind"] == "alert" and post["condition"] == "blank_columns" and post["site"]["region"] == "江城市"
        assert post["alert_id"] == alert.id and post["text"] == body
        with Session_() as s:
            rows = list(s.scalars(select(m.MonitorNotification).order_by(m.MonitorNotification.id)))
            assert [(r.channel, r.status, r.attempts) for r in rows] == [
                ("email", "sent", 1), ("webhook", "sent", 2), ("email", "sent", 1)]
            notifier.digest(s, DAY)
        digest = [msg for msg in box.to("office@x") if "汇总" in msg["Subject"]]
        assert len(digest) == 1 and "新增预警1条" in digest[0]["Subject"]
        assert [p["json"]["kind"] for p in hook.posts] == ["alert", "digest"]


def _recipients(tmp_path: Path, hook_url: str) -> Path:
    path = tmp_path / "recipients.yaml"
    path.write_text(yaml.safe_dump({"groups": [
        {"name": "示范省人民政府办公厅", "email": ["office@x"], "webhook": [hook_url]},
        {"name": "江城市人民政府办公室", "region": "江城市", "email": ["city@x"]},
        {"name": "东湖市人民政府办公室", "region": "东湖市", "email": ["donghu@x"]},
    ]}, allow_unicode=True), "utf-8")
    return path


def test_a_confirmed_forged_date_can_become_a_manual_finding(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from scrapy.exceptions import UsageError

    from govaudit.commands.monitor import Command
    from tests.ops.helpers import run_command

    Session_ = sessionmaker(get_engine(sqlite_url), expire_on_commit=False)
    with Session_.begin() as s:
        for n, kind in enumerate(("backdated", "url_later")):
            s.add(m.DateFlag(site_id=SITE, url=f"http://x/t{n}.html", kind=kind, day=DAY, title=f"通知{n}",
                             list_date=DAY - dt.timedelta(days=20), other_date=DAY if n else None))
    with pytest.raises(UsageError, match="--by"):  # who reviewed is required
        run_command(Command, ["review", "1,2", "confirmed"], sqlite_url, capsys)
    code, out = run_command(Command, ["review", "1", "confirmed", "--by", "李核查", "--finding"], sqlite_url, capsys)
    assert code == 0 and "1 manual finding" in out
    code, out = run_command(Command, ["review", "2", "dismissed", "--by", "李核查", "--finding"], sqlite_url, capsys)
    assert code == 0 and "manual finding" not in out
    code, out = run_command(Command, ["review", "9", "confirmed", "--by", "李核查"], sqlite_url, capsys)
    assert code == 1 and "no flag 9" in out
    with Session_() as s:
        findings = list(s.scalars(select(m.ManualFinding)))
        flags = {f.id: f.status for f in s.scalars(select(m.DateFlag))}
    assert flags == {1: "confirmed", 2: "dismissed"}
    assert len(findings) == 1 and findings[0].indicator == "C19-V1" and findings[0].points is None
    assert findings[0].valid_from == DAY and findings[0].author == "李核查"
    assert "通知0" in findings[0].message and "伪造发稿日期" in findings[0].message
