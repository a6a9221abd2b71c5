"""Required entries and identity (47号 page design, C19-D20/D21/D23/D25/D27; 2016 add-ons):
找错 entry, 国务院信息 column, footer identity items, meta tags, .gov.cn domain, site name, site search."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import PageEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding

_OTHER_KINDS = ("column", "article", "guide", "interaction")


def _feature(page: PageEv | None, key: str) -> bool | None:
    """True/False when the extractor judged the feature on the page, None when unknown."""
    if page is None or not page.ok or key not in page.features:
        return None
    return bool(page.features[key])


def _other_pages(ev: SiteEvidence) -> list[PageEv]:
    return [p for p in ev.pages if p.ok and p.kind in _OTHER_KINDS]


@register("zhaocuo_entry", {"points_home": Param("number", scoring=True),
                            "points_other": Param("number", required=False)}, messages=("other@points_other",))
def zhaocuo_entry(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """"我为政府网站找错" entry on the home page (and, when points_other is set, on every other page)."""
    p = ind.params
    out: list[RawFinding] = []
    home = ev.home_page
    if home is not None and _feature(home, "zhaocuo") is False:
        out.append(RawFinding(ind.id, ind.text(), points=p.get("points_home", 0.0), evidence={"url": home.url}))
    if "points_other" in p:
        for page in _other_pages(ev):
            if _feature(page, "zhaocuo") is False:
                out.append(RawFinding(ind.id, ind.text("other", page_url=page.url), points=p["points_other"],
                                      evidence={"page_url": page.url}))
    return out


@register("state_council_column", {"categories": Param("categories"),
                                   "site_kinds": Param("list[str]", required=False),
                                   "levels": Param("list[str]", required=False)})
def state_council_column(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """「在首页显著位置开设了国务院重要政策信息专栏」: a column of the categories on the home page (a home-page
    block or a column linked from it), or the home page feature. Applies only to the site kinds and
    levels given (county level and above portals); a site whose level is not recorded is checked."""
    p = ind.params
    if "site_kinds" in p and ev.site.kind not in p["site_kinds"]:
        return []
    if "levels" in p and ev.site.level and ev.site.level not in p["levels"]:
        return []
    if any(c.category in p["categories"] and (c.on_home or c.depth <= 1) for c in ev.content_columns):
        return []
    if _feature(ev.home_page, "state_council"):
        return []
    home = ev.home_page
    return [RawFinding(ind.id, ind.text(), points=ind.params.get("points", 0.0),
                       evidence={"url": home.url if home else ev.site.url})]


@register("footer_identity", {"items": Param("labels"), "points": Param("number", scoring=True)},
          messages=("other",))
def footer_identity(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """Each footer identity item missing from the home page (or from other pages' footers) costs once."""
    p = ind.params
    out: list[RawFinding] = []
    home = ev.home_page
    others = _other_pages(ev)
    for key, label in p["items"].items():
        home_state = _feature(home, key)
        missing_pages = [pg.url for pg in others if _feature(pg, key) is False]
        if home is not None and home_state is False:
            msg = ind.text(item=label)
            evidence = {"url": home.url, "item": key, "pages": missing_pages[:10]}
        elif missing_pages:
            msg = ind.text("other", item=label, count=len(missing_pages), total=len(others))
            evidence = {"item": key, "count": len(missing_pages), "pages": missing_pages[:10]}
        else:
            continue
        out.append(RawFinding(ind.id, msg, points=p.get("points", 0.0), evidence=evidence))
    return out


def _meta_missing(page: PageEv, tags: list[str]) -> list[str]:
    meta = page.features.get("meta") or {}
    return [t for t in tags if not str(meta.get(t) or "").strip()]


@register(
    "meta_tags",
    {
        "site_tags": Param("list[str]"),
        "column_tags": Param("list[str]"),
        "content_tags": Param("list[str]"),
        "sample": Param("int"),
        "points": Param("number", scoring=True),
    },
    messages=("column",),
)
def meta_tags(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """页面标签: a sample of content pages needs site + content tags, of column pages site + column tags."""
    p = ind.params
    out: list[RawFinding] = []
    for kind, group, key in (("article", p["content_tags"], "message"), ("column", p["column_tags"], "column")):
        pages = sorted((pg for pg in ev.pages if pg.ok and pg.kind == kind and "meta" in pg.features),
                       key=lambda pg: pg.url)[: p["sample"]]
        for page in pages:
            missing = _meta_missing(page, p["site_tags"]) + _meta_missing(page, group)
            if missing:
                out.append(RawFinding(ind.id, ind.text(key, page_url=page.url, missing="、".join(missing)),
                                      points=p.get("points", 0.0), evidence={"page_url": page.url,
                                                                            "missing": missing}))
    return out


@register("gov_domain", {"suffixes": Param("list[str]"), "points": Param("number", scoring=True)})
def gov_domain(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """域名不符合规范: the registered host does not end with an allowed suffix (e.g. .gov.cn)."""
    url = ev.site.url or ev.site.final_url
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = host
    suffixes = [s.lower() for s in ind.params["suffixes"]]
    if any(h.endswith(s) for h in (host, ascii_host) for s in suffixes):
        return []
    return [RawFinding(ind.id, ind.text(host=host or url), points=ind.params.get("points", 0.0),
                       evidence={"url": url, "host": host})]


def _home_feature_check(key: str):
    def check(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
        home = ev.home_page
        if home is None or _feature(home, key) is not False:
            return []
        return [RawFinding(ind.id, ind.text(), points=ind.params.get("points", 0.0), evidence={"url": home.url})]

    check.__name__ = f"home_{key}"
    check.__doc__ = f"Home page feature {key!r} judged absent."
    return check


register("site_name_header", {"points": Param("number", scoring=True)})(_home_feature_check("site_name_in_header"))
register("site_search", {"points": Param("number", scoring=True)})(_home_feature_check("search"))
