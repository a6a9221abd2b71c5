"""The 「我为政府网站找错」 platform's export: import (CSV / XLSX) and the per-quarter figures of the notice.

Each message is linked to a registry site by 网站标识码 when the export has one, else by the site's exact name,
else by the host of its URL; a 网站标识码 of no known site is kept as it is (the registry's own key: the site
may be imported or audited after the messages). Re-importing a message (same id) updates it. A message is handled (办结) when it
has a finished date or a finished status; it is overdue when its reply came later than the rubric's limit
(C19-D24 `reply_workdays` working days after it was received), or it has no reply and the limit passed before
the as-of date. Overdue messages become C19-D24 findings of their site (the rubric indicator is then scored
from this data): one manual finding per overdue message, replaced as a whole at each import, scored by the
runs whose notice reports its quarter (`scored_until`)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from govaudit import asof as asof_rules
from govaudit.observations.config import section
from govaudit.store import models as m

AUTHOR = "找错平台导入"  # the author of the C19-D24 findings this import writes
INDICATOR = "C19-D24"


class ZhaocuoImportError(ValueError):
    """A bad export; the message lists every bad row."""


@dataclass
class Message:
    message_id: str
    site_id: str
    site_name: str
    received: dt.date
    replied: dt.date | None
    finished: dt.date | None
    status: str


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    found = re.match(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if not found:
        raise ValueError(f"not a date: {text!r}")
    return dt.date(*(int(g) for g in found.groups()))


def read_table(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [dict(r) for r in csv.DictReader(fh)]
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = list(wb.active.iter_rows(values_only=True)) if wb.active is not None else []
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v not in (None, "") for v in r)]
    raise ZhaocuoImportError(f"{path}: unsupported file type {suffix!r} (use .csv or .xlsx)")


def _field_map(header: list[str]) -> dict[str, str]:
    """field -> the export's column name, by the aliases of observations.yaml."""
    aliases: dict[str, list[str]] = section("zhaocuo")["headers"]
    lower = {h.strip().lower(): h for h in header}
    out: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in names:
            if alias.lower() in lower:
                out[name] = lower[alias.lower()]
                break
    return out


class SiteLinker:
    """Registry sites by id, exact name and URL host (imported registry, then the sites of stored runs)."""

    def __init__(self, session: Session) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, str] = {}
        self.hosts: dict[str, str] = {}
        rows = [(r.site_id, r.name, r.url) for r in session.scalars(select(m.RegistrySite))]
        rows += [(r.site_id, r.name, r.url) for r in session.scalars(select(m.RunSite))]
        for site_id, name, url in rows:
            self.ids.add(site_id)
            self.names.setdefault((name or "").strip(), site_id)
            host = urlsplit(url or "").hostname
            if host:
                self.hosts.setdefault(host.lower(), site_id)

    def find(self, site_id: str, name: str, url: str) -> str:
        if site_id and site_id in self.ids:
            return site_id
        if name.strip() in self.names:
            return self.names[name.strip()]
        host = urlsplit(url if "//" in url else f"http://{url}").hostname if url else None
        if host and host.lower() in self.hosts:
            return self.hosts[host.lower()]
        # the platform's 网站标识码 is the registry's own key: kept for a site audited after the import
        return site_id


def parse_messages(path: Path, linker: SiteLinker) -> list[Message]:
    if not path.is_file():
        raise ZhaocuoImportError(f"{path}: file not found")
    rows = read_table(path)
    if not rows:
        raise ZhaocuoImportError(f"{path}: no messages (header only or empty)")
    fields = _field_map(list(rows[0]))
    missing = [f for f in ("message_id", "received") if f not in fields]
    if "site" not in fields and "site_id" not in fields and "url" not in fields:
        missing.append("site (or site_id / url)")
    if missing:
        raise ZhaocuoImportError(f"{path}: missing column(s) {', '.join(missing)}; header: {', '.join(rows[0])}")
    errors: list[str] = []
    out: dict[str, Message] = {}

    def get(row: dict[str, Any], name: str) -> Any:
        return row.get(fields[name]) if name in fields else None

    for n, row in enumerate(rows, start=2):
        mid = str(get(row, "message_id") or "").strip()
        try:
            received = _date(get(row, "received"))
            replied = _date(get(row, "replied"))
            finished = _date(get(row, "finished"))
        except ValueError as exc:
            errors.append(f"row {n}: {exc}")
            continue
        if not mid or received is None:
            errors.append(f"row {n}: message id and received date are required")
            continue
        name = str(get(row, "site") or "").strip()
        site_id = linker.find(str(get(row, "site_id") or "").strip(), name, str(get(row, "url") or "").strip())
        out[mid] = Message(mid, site_id, name or site_id, received, replied, finished,
                           str(get(row, "status") or "").strip())
    if errors:
        raise ZhaocuoImportError(f"{path}: nothing imported:\n" + "\n".join(errors))
    return list(out.values())


def reply_limit(rubric_params: dict[str, Any] | None) -> int | None:
    value = (rubric_params or {}).get("reply_workdays")
    return int(value) if isinstance(value, int) else None


def is_overdue(msg: Message | m.ZhaocuoMessage, limit: int | None, asof: dt.date) -> bool:
    if limit is None:
        return False
    due = asof_rules.add_workdays(msg.received, limit)
    answered = msg.replied or msg.finished
    return answered > due if answered is not None else asof > due


def is_finished(msg: Message | m.ZhaocuoMessage, asof: dt.date) -> bool:
    done = {s.lower() for s in section("zhaocuo")["finished_status"]}
    if msg.finished is not None:
        return msg.finished <= asof
    return msg.status.lower() in done


def import_messages(session: Session, path: str | Path, *, limit: int | None, points: float | None) -> tuple[int, int]:
    """Store the export's messages and the C19-D24 findings of overdue ones. Returns (messages, unlinked)."""
    path = Path(path)
    msgs = parse_messages(path, SiteLinker(session))
    for msg in msgs:
        session.merge(m.ZhaocuoMessage(message_id=msg.message_id, site_id=msg.site_id, site_name=msg.site_name,
                                       received=msg.received, replied=msg.replied, finished=msg.finished,
                                       status=msg.status, source=str(path)))
    session.flush()
    _write_findings(session, limit, points)
    session.commit()
    return len(msgs), sum(1 for msg in msgs if not msg.site_id)


def scored_until(due: dt.date) -> dt.date:
    """The last as-of date a late reply is scored at: the end of the quarter whose notice reports it (the
    `quarter_offset` quarters after the quarter of its due day), so a run's C19-D24 and its notice's 找错
    paragraph speak of the same messages."""
    year, q = asof_rules.quarter_of(due)
    for _ in range(int(section("zhaocuo").get("quarter_offset", 0))):
        year, q = asof_rules.next_quarter(year, q)
    return asof_rules.quarter_bounds(year, q)[1]


def _write_findings(session: Session, limit: int | None, points: float | None) -> None:
    """One C19-D24 manual finding per message answered late, valid from its due day (a message still
    unanswered becomes a finding of every as-of date after its due day: written when it is answered late or
    re-imported)."""
    session.execute(delete(m.ManualFinding).where(m.ManualFinding.author == AUTHOR))
    if limit is None:
        return
    for row in session.scalars(select(m.ZhaocuoMessage).where(m.ZhaocuoMessage.site_id != "")):
        due = asof_rules.add_workdays(row.received, limit)
        answered = row.replied or row.finished
        if answered is not None and answered <= due:
            continue
        text = (f"“我为政府网站找错”留言{row.message_id}于{row.received.isoformat()}收到，"
                + (f"{answered.isoformat()}答复" if answered else "未答复") + f"，超过{limit}个工作日")
        session.add(m.ManualFinding(site_id=row.site_id, indicator=INDICATOR, points=points, message=text,
                                    evidence={"message_id": row.message_id, "received": row.received.isoformat()},
                                    author=AUTHOR, valid_from=due + dt.timedelta(days=1),
                                    valid_until=scored_until(due) if answered is not None else None))


@dataclass
class SiteCount:
    site_id: str
    name: str
    received: int = 0
    handled: int = 0
    overdue: int = 0


@dataclass
class ZhaocuoQuarter:
    year: int
    quarter: int
    received: int
    handled: int
    rate: Decimal | None
    overdue: int
    unlinked: int
    sites: list[SiteCount] = field(default_factory=list)


def quarter_stats(session: Session, asof: dt.date, limit: int | None, site_ids: set[str] | None = None,
                  names: dict[str, str] | None = None) -> ZhaocuoQuarter | None:
    """The figures of the quarter the notice reports (observations.yaml `quarter_offset` before the as-of
    quarter), over the sites `site_ids` (None = every message). None when no message was imported for it."""
    from govaudit.reporting.stats import percent

    year, q = asof_rules.quarter_of(asof)
    for _ in range(int(section("zhaocuo").get("quarter_offset", 0))):
        year, q = asof_rules.previous_quarter(year, q)
    first, last = asof_rules.quarter_bounds(year, q)
    rows = list(session.scalars(select(m.ZhaocuoMessage).where(m.ZhaocuoMessage.received >= first,
                                                               m.ZhaocuoMessage.received <= last)))
    if site_ids is not None:
        rows = [r for r in rows if r.site_id in site_ids]
    if not rows:
        return None
    per: dict[str, SiteCount] = {}
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        key = r.site_id or f"?{r.site_name}"
        sc = per.setdefault(key, SiteCount(r.site_id, (names or {}).get(r.site_id) or r.site_name or r.site_id))
        sc.received += 1
        if is_finished(r, asof):
            sc.handled += 1
            counts["handled"] += 1
        if is_overdue(r, limit, asof):
            sc.overdue += 1
            counts["overdue"] += 1
    sites = sorted(per.values(), key=lambda s: (-s.overdue, -s.received, s.site_id))
    return ZhaocuoQuarter(year, q, len(rows), counts["handled"], percent(counts["handled"], len(rows)),
                          counts["overdue"], sum(1 for r in rows if not r.site_id), sites)
