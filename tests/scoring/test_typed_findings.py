"""Stored findings carry their check kind, the URL they are about and typed references to the evidence rows
they cite, derived once by the scoring service from the evidence the checks report."""

from __future__ import annotations

from sqlalchemy import select

from govaudit.scoring.service import score_site
from govaudit.store import models as m

from .factory import ASOF


def _stored(session, site_id: str, indicator: str) -> list[m.Finding]:
    return list(session.scalars(select(m.Finding).where(m.Finding.run_id == "run1", m.Finding.site_id == site_id,
                                                        m.Finding.indicator == indicator).order_by(m.Finding.id)))


def test_column_link_and_site_level_findings(session, factory, r19):
    home = factory.good_site("s")
    stale = [factory.column("s", f"旧栏目{i}", "news", [400]) for i in range(6)]
    dead = factory.column("s", "失效栏目", "notice", [], http_status=404, error="HTTP 404")
    factory.link("s", home + "gone.html", on_home=True)
    factory.manual("s", "C19-D16", 7, "留言无法提交")
    score_site(session, "run1", "s", r19, ASOF)

    veto = _stored(session, "s", "C19-V4a")[0]                    # "6 columns not updated": about the site
    assert veto.check == "stale_columns_count" and veto.subject_url == ""
    cited = [r["url"] for r in veto.evidence_refs if r["table"] == "columns"]
    assert set(stale) <= set(cited) and all(r["table"] == "columns" for r in veto.evidence_refs)
    assert "check" not in veto.evidence                             # a column now, not an evidence key

    per_column = _stored(session, "s", "C19-D4")                    # one finding per column, about that column
    assert per_column and {f.subject_url for f in per_column} <= set(cited)
    assert all(f.evidence_refs[0] == {"table": "columns", "url": f.subject_url} for f in per_column)

    links = _stored(session, "s", "C19-D22")
    by_subject = {f.subject_url: f for f in links}
    assert by_subject[home + "gone.html"].evidence_refs == [           # the link, and the page it is on
        {"table": "links", "page_url": home, "link_url": home + "gone.html"}, {"table": "pages", "url": home}]
    assert by_subject[dead].check == "broken_links"
    assert {"table": "columns", "url": dead} in by_subject[dead].evidence_refs

    manual = _stored(session, "s", "C19-D16")[0]
    assert manual.check == "manual" and manual.manual and manual.subject_url == ""


def test_home_page_and_guides_are_cited(session, factory, r19):
    home = factory.site("s")
    factory.home_entries("s", [30])                                # home page not updated for a month
    factory.guide("s", 1, elements=["name"], attachments=[{"url": home + "f.doc", "ok": False, "status": 404},
                                                          {"mentions_forms": True}])
    score_site(session, "run1", "s", r19, ASOF)
    v3 = _stored(session, "s", "C19-V3")[0]
    assert v3.check == "home_updated" and v3.subject_url == home
    assert v3.evidence_refs == [{"table": "columns", "url": home}, {"table": "pages", "url": home}]
    guide_url = home + "bs/1.html"
    d13 = _stored(session, "s", "C19-D13")[0]
    assert d13.subject_url == guide_url and d13.evidence_refs == [{"table": "guides", "url": guide_url}]
    attachment = _stored(session, "s", "C19-D15")
    assert attachment and attachment[0].subject_url == guide_url      # 表格样表: the guide asking for the form
    assert attachment[0].evidence_refs == [{"table": "guides", "url": guide_url}]


def test_unaudited_site_note(session, factory, r15):
    factory.site("down", crawl_state="unreachable")
    score_site(session, "run1", "down", r15, ASOF)
    note = session.scalars(select(m.Finding).where(m.Finding.site_id == "down", m.Finding.check == "unaudited")).one()
    assert note.check == "unaudited" and note.subject_url == factory.home_url("down") and note.evidence_refs == []
