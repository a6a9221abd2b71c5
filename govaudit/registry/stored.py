"""The registry imported into SQL (`scrapy registry import`), read back as a Registry."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govaudit.registry.model import Registry, Site
from govaudit.store import models as m


def has_stored_registry(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(m.RegistrySite)) or 0) > 0


def load_stored_registry(session: Session) -> Registry:
    rows = session.scalars(select(m.RegistrySite).order_by(m.RegistrySite.site_id))
    sites = [
        Site(site_id=r.site_id, name=r.name, url=r.url, organizer=r.organizer, region=r.region, level=r.level,
             kind=r.kind, status=r.status, has_services=r.has_services, overrides=dict(r.overrides or {}),
             hosts=list(r.hosts or []))
        for r in rows
    ]
    return Registry(source="database", sites=sites)
