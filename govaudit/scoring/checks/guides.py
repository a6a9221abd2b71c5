"""Service guides (办事指南): element categories, the 2019 veto, attachments, and whether services exist."""

from __future__ import annotations

import datetime as dt

from govaudit.scoring.checks.links import rate_limited
from govaudit.scoring.checks.registry import Param, register
from govaudit.scoring.evidence import GuideEv, SiteEvidence
from govaudit.scoring.model import Indicator, RawFinding


def _missing(guide: GuideEv, elements: dict[str, str]) -> list[str]:
    present = set(guide.elements)
    return [key for key in elements if key not in present]


def _labels(keys: list[str], elements: dict[str, str]) -> str:
    return "、".join(elements[k] for k in keys)


def _sample(ev: SiteEvidence, n: int) -> list[GuideEv]:
    return sorted(ev.guides, key=lambda g: g.url)[:n]


@register("guide_categories_missing", {"elements": Param("labels"), "points": Param("number", scoring=True)},
          messages=("no_guides",))
def guide_categories_missing(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """2015: each element category missing from any guide costs once for the whole site (no accumulation
    over guides missing the same category)."""
    p = ind.params
    if not ev.guides:
        return [RawFinding(ind.id, ind.text("no_guides"), info=True)]
    out: list[RawFinding] = []
    for key, label in p["elements"].items():
        lacking = [g.url for g in ev.guides if key not in set(g.elements)]
        if lacking:
            out.append(RawFinding(ind.id, ind.text(element=label, count=len(lacking), total=len(ev.guides)),
                                  points=p.get("points", 0.0),
                                  evidence={"missing": [key], "count": len(lacking), "urls": lacking[:10]}))
    return out


@register("guide_elements_veto", {"elements": Param("labels"), "min_missing": Param("int"),
                                  "min_items": Param("int")})
def guide_elements_veto(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """2019 服务不实用: at least min_items guides each missing >= min_missing categories, or, with fewer guides
    than min_items, every guide missing that many."""
    p = ind.params
    if not ev.guides:
        return []
    bad = [(g, miss) for g in ev.guides if len(miss := _missing(g, p["elements"])) >= p["min_missing"]]
    total = len(ev.guides)
    hit = len(bad) >= p["min_items"] or (total < p["min_items"] and len(bad) == total)
    if not hit:
        return []
    evidence = {"count": len(bad), "total": total, "threshold": p["min_items"],
                "guides": [{"url": g.url, "name": g.title, "missing": miss} for g, miss in bad]}
    return [RawFinding(ind.id, ind.text(count=len(bad), total=total), evidence=evidence)]


@register("guide_elements_deduction", {"elements": Param("labels"), "sample": Param("int"),
                                       "points": Param("number", scoring=True)})
def guide_elements_deduction(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """2019 办事指南: points per missing element per sampled guide."""
    p = ind.params
    out: list[RawFinding] = []
    for guide in _sample(ev, p["sample"]):
        miss = _missing(guide, p["elements"])
        if miss:
            out.append(RawFinding(ind.id, ind.text(name=guide.title or guide.url, count=len(miss),
                                                   missing=_labels(miss, p["elements"])),
                                  points=len(miss) * p.get("points", 0.0),
                                  evidence={"url": guide.url, "missing": miss}))
    return out


FORMS_MARK = "mentions_forms"  # a guide-level mark among the attachments: the guide asks for a form (申请表…)


def mentions_forms(guide: GuideEv) -> bool:
    return any(isinstance(a, dict) and a.get(FORMS_MARK) for a in guide.attachments)


def files(guide: GuideEv) -> list[dict]:
    """The guide's attachments (forms, files) with their check result when known."""
    return [a for a in guide.attachments if isinstance(a, dict) and a.get("url")]


def _failed(att: dict) -> bool:
    return att.get("ok") is False and not rate_limited(att.get("status"), att.get("error") or "")


def _downloads(att: dict) -> bool:
    return att.get("ok") is True


@register("guide_attachments", {"points": Param("number", scoring=True),
                                "points_not_provided": Param("number", required=False)},
          messages=("not_provided@points_not_provided",))
def guide_attachments(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """附件下载: each form/attachment of a guide that does not download (a rate-limited check is no failure);
    with points_not_provided, also each guide that names a form but links none (「提及的表格和附件未提供下载」)."""
    out: list[RawFinding] = []
    for guide in ev.guides:
        if "points_not_provided" in ind.params and mentions_forms(guide) and not files(guide):
            out.append(RawFinding(ind.id, ind.text("not_provided", name=guide.title or guide.url),
                                  points=ind.params["points_not_provided"], evidence={"url": guide.url}))
        for att in files(guide):
            if not _failed(att):
                continue
            status = att.get("status") if att.get("status") is not None else (att.get("error") or "—")
            out.append(RawFinding(ind.id, ind.text(name=guide.title or guide.url, link_url=att.get("url", ""),
                                                   status=status),
                                  points=ind.params.get("points", 0.0),
                                  evidence={"link_url": att.get("url", ""), "page_url": guide.url,
                                            "status": att.get("status")}))
    return out


@register("guide_forms", {"sample": Param("int"), "points": Param("number", scoring=True)},
          messages=("failed",))
def guide_forms(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """表格样表: of a sample of guides, each one asking for a form (申请表、申请书…) that offers no way to get it:
    no attachment at all, or none that downloads (every one checked and failed). A guide whose attachments
    were not checked, or were rate-limited, is not judged."""
    out: list[RawFinding] = []
    for guide in _sample(ev, ind.params["sample"]):
        if not mentions_forms(guide):
            continue
        atts = files(guide)
        if not atts:
            out.append(RawFinding(ind.id, ind.text(name=guide.title or guide.url), points=ind.params["points"],
                                  evidence={"url": guide.url, "attachments": []}))
        elif all(_failed(a) for a in atts) and not any(_downloads(a) for a in atts):
            out.append(RawFinding(ind.id, ind.text("failed", name=guide.title or guide.url, count=len(atts)),
                                  points=ind.params["points"],
                                  evidence={"url": guide.url, "attachments": [
                                      {"url": a["url"], "status": a.get("status")} for a in atts]}))
    return out


@register("services_provided", {"categories": Param("categories")})
def services_provided(ev: SiteEvidence, ind: Indicator, asof: dt.date) -> list[RawFinding]:
    """未提供办事服务: no guide and no service column (sites without external services are not checked)."""
    if not ev.site.has_services or ev.guides:
        return []
    if any(c.category in ind.params["categories"] for c in ev.content_columns):
        return []
    return [RawFinding(ind.id, ind.text(), evidence={"url": ev.site.url, "categories": ind.params["categories"]})]
