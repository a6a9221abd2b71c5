"""Telling people: who gets what (a recipients YAML named by GOVAUDIT_ALERT_RECIPIENTS), e-mail over SMTP and
a JSON webhook, each message recorded in `monitor_notifications` so that none is ever sent twice (a failed
one is tried again on the next check, up to GOVAUDIT_NOTIFY_ATTEMPTS times).

Recipients file::

    groups:
      - name: 示范省人民政府办公厅政务公开办      # no region/organizer/site_id: every site
        email: [jiankong@example.gov.cn]
        webhook: [https://im.example.gov.cn/hook/abc]
      - name: 江城市人民政府办公室
        region: 江城市                           # every site of the region (a list is fine too)
        email: [zwgk@jiangcheng.example.gov.cn]
      - name: 示范省发展和改革委员会
        organizer: 示范省发展和改革委员会          # or site_id: [2300000002, ...]
        email: [web@fgw.example.gov.cn]

Each group gets an immediate message when one of its sites crosses a line, and one daily digest of its
sites (new, cleared and still open alerts; new suspected forged dates). Wording: reports/templates/alerts/.
The SMTP password comes only from the environment (GOVAUDIT_SMTP_PASSWORD)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from govaudit.store import models as m

logger = logging.getLogger(__name__)

MATCH_KEYS = ("region", "organizer", "site_id")


class RecipientsError(ValueError):
    """The recipients file cannot be used."""


@dataclass(frozen=True)
class Group:
    name: str
    emails: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    match: dict[str, frozenset[str]] = field(default_factory=dict, hash=False)

    def covers(self, site: SiteInfo) -> bool:
        if not self.match:
            return True
        return any(getattr(site, key) in values for key, values in self.match.items())


@dataclass(frozen=True)
class SiteInfo:
    site_id: str
    name: str = ""
    url: str = ""
    region: str = ""
    organizer: str = ""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise RecipientsError(f"{where}: expected a text or a list of texts")
    return tuple(str(v).strip() for v in value if str(v).strip())


def load_recipients(path: str | Path) -> list[Group]:
    path = Path(path)
    try:
        tree = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RecipientsError(f"{path}: {exc}") from None
    groups = tree.get("groups") if isinstance(tree, dict) else None
    if not isinstance(groups, list) or not groups:
        raise RecipientsError(f"{path}: expected `groups:` with at least one group")
    out = []
    for i, g in enumerate(groups, 1):
        where = f"{path}: group {i}"
        if not isinstance(g, dict) or not str(g.get("name") or "").strip():
            raise RecipientsError(f"{where}: every group needs a name")
        unknown = set(g) - {"name", "email", "webhook", *MATCH_KEYS}
        if unknown:
            raise RecipientsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        emails, hooks = _strings(g.get("email"), f"{where} email"), _strings(g.get("webhook"), f"{where} webhook")
        if not emails and not hooks:
            raise RecipientsError(f"{where}: give an email or a webhook")
        for hook in hooks:
            if not hook.startswith(("http://", "https://")):
                raise RecipientsError(f"{where}: webhook {hook!r} is not an http(s) URL")
        match = {k: frozenset(_strings(g.get(k), f"{where} {k}")) for k in MATCH_KEYS if g.get(k) is not None}
        out.append(Group(str(g["name"]).strip(), emails, hooks, match))
    return out


@dataclass
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "govaudit@localhost"
    starttls: bool = False
    user: str = ""
    password: str = ""
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpConfig | None:
        host = settings.get("GOVAUDIT_SMTP_HOST") or ""
        if not host:
            return None
        return cls(host=host, port=settings.getint("GOVAUDIT_SMTP_PORT"), sender=settings.get("GOVAUDIT_SMTP_FROM"),
                   starttls=settings.getbool("GOVAUDIT_SMTP_STARTTLS"), user=settings.get("GOVAUDIT_SMTP_USER") or "",
                   password=os.environ.get("GOVAUDIT_SMTP_PASSWORD", ""),
                   timeout=settings.getfloat("GOVAUDIT_NOTIFY_TIMEOUT"))

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = formataddr(("政府网站监测", self.sender))
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or "localhost")
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)


def post_json(url: str, payload: dict[str, Any], timeout: float) -> None:
    data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8",
                                          "User-Agent": "govaudit-monitor"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        if resp.status >= 300:
            raise OSError(f"HTTP {resp.status}")


def site_infos(session: Session, site_ids: list[str]) -> dict[str, SiteInfo]:
    """Name, address, region and organizer of each site as its last daily pass recorded them (run_sites)."""
    out: dict[str, SiteInfo] = {}
    for i in range(0, len(site_ids), 400):
        rows = session.execute(
            select(m.RunSite.site_id, m.RunSite.name, m.RunSite.url, m.RunSite.region, m.RunSite.organizer)
            .join(m.MonitorSite, (m.MonitorSite.site_id == m.RunSite.site_id)
                  & (m.MonitorSite.last_run_id == m.RunSite.run_id))
            .where(m.RunSite.site_id.in_(site_ids[i:i + 400])))
        for sid, name, url, region, organizer in rows:
            out[sid] = SiteInfo(sid, name, url, region, organizer)
    for sid in site_ids:
        out.setdefault(sid, SiteInfo(sid))
    return out


class Notifier:
    """Sends the messages of a check (alerts opened) and of a day (the digest), once each."""

    def __init__(self, Session: sessionmaker[Session], groups: list[Group], templates_dir: str | Path, *,
                 smtp: SmtpConfig | None, timeout: float = 20.0, attempts: int = 5) -> None:
        self.Session = Session
        self.groups = groups
        self.smtp = smtp
        self.timeout = timeout
        self.attempts = attempts
        self.env = Environment(loader=FileSystemLoader(str(templates_dir)), undefined=StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        self.sent = 0
        self.failed = 0

    @classmethod
    def from_settings(cls, settings: Any, Session: sessionmaker[Session]) -> Notifier | None:
        path = settings.get("GOVAUDIT_ALERT_RECIPIENTS") or ""
        if not path:
            return None
        return cls(Session, load_recipients(path), Path(settings.get("GOVAUDIT_TEMPLATES_DIR")) / "templates",
                   smtp=SmtpConfig.from_settings(settings), timeout=settings.getfloat("GOVAUDIT_NOTIFY_TIMEOUT"),
                   attempts=settings.getint("GOVAUDIT_NOTIFY_ATTEMPTS"))

    # --- messages ------------------------------------------------------------------------------------------
    def _render(self, template: str, **values: Any) -> tuple[str, str]:
        text = self.env.get_template(template).render(**values)
        subject, _, body = text.partition("\n")
        return subject.strip(), body.lstrip("\n")

    def alerts(self, day: dt.date, alerts: list[m.MonitorAlert], infos: dict[str, SiteInfo]) -> None:
        """An immediate message per opened alert to every group covering its site."""
        for alert in alerts:
            site = infos.get(alert.site_id) or SiteInfo(alert.site_id)
            subject, body = self._render("alerts/alert.txt", alert=alert, site=site, day=day)
            payload = {"kind": "alert", "day": day.isoformat(), "alert_id": alert.id, "condition": alert.condition,
                       "subject": alert.subject, "opened": alert.opened.isoformat(), "details": alert.details,
                       "site": site.__dict__, "title": subject, "text": body}
            for group in self.groups:
                if group.covers(site):
                    self._deliver(f"alert:{alert.id}", day, group, subject, body, payload)

    def digest(self, session: Session, day: dt.date) -> None:
        """The day's digest for every group: alerts opened or cleared that day, alerts still open, new flags."""
        opened = list(session.scalars(select(m.MonitorAlert).where(m.MonitorAlert.opened == day)))
        cleared = list(session.scalars(select(m.MonitorAlert).where(m.MonitorAlert.cleared == day)))
        still = list(session.scalars(select(m.MonitorAlert).where(
            m.MonitorAlert.opened < day, or_(m.MonitorAlert.cleared.is_(None), m.MonitorAlert.cleared > day))))
        flags = list(session.scalars(select(m.DateFlag).where(m.DateFlag.day == day)))
        ids = sorted({a.site_id for a in opened + cleared + still} | {f.site_id for f in flags})
        infos = site_infos(session, ids)
        for group in self.groups:
            def mine(site_id: str, group: Group = group) -> bool:
                return group.covers(infos[site_id])
            view: dict[str, list[m.MonitorAlert]] = {"opened": [a for a in opened if mine(a.site_id)],
                                                     "cleared": [a for a in cleared if mine(a.site_id)],
                                                     "still_open": [a for a in still if mine(a.site_id)]}
            mine_flags = [f for f in flags if mine(f.site_id)]
            subject, body = self._render("alerts/digest.txt", group=group, day=day, sites=infos, flags=mine_flags,
                                         **view)
            payload = {"kind": "digest", "day": day.isoformat(), "group": group.name, "title": subject, "text": body,
                       **{k: [self._alert_json(a) for a in rows] for k, rows in view.items()},
                       "flags": [{"id": f.id, "site_id": f.site_id, "kind": f.kind, "url": f.url,
                                  "list_date": f.list_date, "other_date": f.other_date} for f in mine_flags]}
            self._deliver(f"digest:{day.isoformat()}:{group.name}", day, group, subject, body, payload)

    @staticmethod
    def _alert_json(a: m.MonitorAlert) -> dict[str, Any]:
        return {"id": a.id, "site_id": a.site_id, "condition": a.condition, "subject": a.subject,
                "opened": a.opened, "cleared": a.cleared}

    # --- delivery, once each ----------------------------------------------------------------------------------
    def _deliver(self, ref: str, day: dt.date, group: Group, subject: str, body: str, payload: dict[str, Any]) -> None:
        smtp = self.smtp
        if smtp is not None:
            for to in group.emails:
                self._once(ref, day, "email", to, partial(smtp.send, to, subject, body))
        for url in group.webhooks:
            self._once(ref, day, "webhook", url, partial(post_json, url, payload, self.timeout))

    def _once(self, ref: str, day: dt.date, channel: str, recipient: str, send: Callable[[], None]) -> None:
        with self.Session.begin() as s:
            row = s.scalars(select(m.MonitorNotification).where(
                m.MonitorNotification.ref == ref, m.MonitorNotification.channel == channel,
                m.MonitorNotification.recipient == recipient)).first()
            if row is not None and (row.status == "sent" or row.attempts >= self.attempts):
                return
            if row is None:
                try:
                    with s.begin_nested():
                        row = m.MonitorNotification(ref=ref, day=day, channel=channel, recipient=recipient,
                                                    status="pending", attempts=0, error="")
                        s.add(row)
                except IntegrityError:  # another process records the same message right now
                    return
            row.attempts += 1
            try:
                send()
            except Exception as exc:
                row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
                self.failed += 1
                logger.warning("govaudit: %s to %s (%s) failed: %s", ref, recipient, channel, row.error)
            else:
                row.status, row.error, row.sent_at = "sent", "", dt.datetime.now(dt.UTC).replace(tzinfo=None)
                self.sent += 1

    def to_retry(self, alerts: list[m.MonitorAlert]) -> list[m.MonitorAlert]:
        """The still-open alerts whose message failed before (tried again, up to the attempts allowed)."""
        refs = {f"alert:{a.id}": a for a in alerts}
        if not refs:
            return []
        with self.Session() as s:
            failed = set(s.scalars(select(m.MonitorNotification.ref).where(
                m.MonitorNotification.status == "failed", m.MonitorNotification.attempts < self.attempts,
                m.MonitorNotification.ref.in_(list(refs)))))
        return [a for ref, a in refs.items() if ref in failed]
