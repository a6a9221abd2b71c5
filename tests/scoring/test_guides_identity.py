"""Service guides, links, footer identity, 找错 entry, meta tags, domain, search."""

from __future__ import annotations

import pytest

from govaudit.store import models as m

from .factory import ALL_ELEMENTS, FULL_FEATURES
from .helpers import of, score

POOR = ALL_ELEMENTS[4:]   # missing name, basis, conditions, materials: 4 categories


def _guides_only(factory, specs):
    if factory.s.get(m.RunSite, (factory.run_id, "s")) is None:
        factory.good_site("s")
    factory.s.query(m.Guide).delete()
    for i, elements in enumerate(specs):
        factory.guide("s", i, elements)


@pytest.mark.parametrize(("poor", "vetoed"), [(4, False), (5, True)])
def test_2019_guide_veto_five_items_missing_four(session, factory, r19, poor, vetoed):
    _guides_only(factory, [POOR] * poor + [ALL_ELEMENTS] * 3)
    assert ("C19-V6b" in score(session, r19, "s").vetoes) is vetoed


def test_2019_guide_veto_fewer_than_five_items_all_poor(session, factory, r19):
    _guides_only(factory, [POOR] * 3)
    assert "C19-V6b" in score(session, r19, "s").vetoes
    _guides_only(factory, [POOR] * 2 + [ALL_ELEMENTS[1:]])      # one item misses only 1 category
    assert "C19-V6b" not in score(session, r19, "s").vetoes


def test_2019_guide_elements_deduction_capped_at_8(session, factory, r19):
    _guides_only(factory, [ALL_ELEMENTS[1:]])                     # −0.5
    assert sum(f.points for f in of(score(session, r19, "s"), "C19-D13")) == 0.5
    _guides_only(factory, [[]] * 5)                               # 5 × 10 × 0.5 = 25 -> cap 8
    assert sum(f.points for f in of(score(session, r19, "s"), "C19-D13")) == 8


def test_2015_missing_category_counts_once_per_site_cap_16(session, factory, r15):
    _guides_only(factory, [ALL_ELEMENTS[1:], ALL_ELEMENTS[1:], ALL_ELEMENTS])   # both miss "name"
    f = of(score(session, r15, "s"), "P15-D8a")
    assert [x.points for x in f] == [2] and "事项名称" in f[0].message
    _guides_only(factory, [[]])
    assert sum(x.points for x in of(score(session, r15, "s"), "P15-D8a")) == 16


def test_failing_attachment(session, factory, r15):
    factory.good_site("s")
    factory.guide("s", 9, attachments=[{"url": "http://www.s.gov.cn/f.doc", "ok": False, "status": 404}])
    assert [x.points for x in of(score(session, r15, "s"), "P15-D9")] == [1]


def test_no_services_veto_and_department_without_services(session, factory, r19):
    factory.site("s")
    factory.home_entries("s", [1] * 12)
    factory.column("s", "要闻", "news", [1])
    assert "C19-V6a" in score(session, r19, "s").vetoes
    factory.site("d", has_services=False)
    factory.home_entries("d", [1] * 12)
    r = score(session, r19, "d")
    assert "C19-V6a" not in r.vetoes and not of(r, "C19-D13")


def test_broken_links_home_vs_other_pages(session, factory, r15, r19):
    factory.good_site("s")
    factory.link("s", "http://www.s.gov.cn/a.html", on_home=True)
    for i in range(3):
        factory.link("s", f"http://www.s.gov.cn/b{i}.html", on_home=False, page_url="http://www.s.gov.cn/col/")
    r = score(session, r19, "s")
    assert sorted(f.points for f in of(r, "C19-D22")) == [0.1, 0.1, 0.1, 0.2]
    r = score(session, r15, "s")
    assert [f.points for f in of(r, "P15-D2a")] == [1]
    assert sum(f.points for f in of(r, "P15-D2b")) == pytest.approx(0.3)
    for i in range(10):
        factory.link("s", f"http://www.s.gov.cn/c{i}.html", on_home=True)
    assert sum(f.points for f in of(score(session, r19, "s"), "C19-D22")) == pytest.approx(1)  # cap 1


def test_footer_items_each_half_point_cap_3(session, factory, r19):
    factory.site("s", home_features={"conac": False, "icp": None})
    factory.home_entries("s", [1] * 12)
    f = of(score(session, r19, "s"), "C19-D21")
    assert sorted(x.message for x in f) == sorted(["首页底部功能区未列明党政机关网站标识", "首页底部功能区未列明ICP备案编号"])
    assert sum(x.points for x in f) == 1
    bare = dict.fromkeys(("conac", "site_code", "icp", "police_beian", "organizer", "contact"), False)
    factory.site("t", home_features=bare)
    factory.home_entries("t", [1] * 12)
    assert sum(x.points for x in of(score(session, r19, "t"), "C19-D21")) == 3


def test_zhaocuo_entry_2019_deduction_and_2015_requirement(session, factory, r15, r19):
    factory.good_site("s")
    session.query(m.Page).filter(m.Page.kind == "home").update({"features": dict(FULL_FEATURES, zhaocuo=False)})
    factory.page("s", "http://www.s.gov.cn/art/2.html", "article", dict(FULL_FEATURES, zhaocuo=False))
    r = score(session, r19, "s")
    assert sum(f.points for f in of(r, "C19-D23")) == 1           # 1 + 0.2 capped at 1
    r15res = score(session, r15, "s")
    req = of(r15res, "P15-R1", "requirement")
    assert len(req) == 1 and req[0].points == 0 and r15res.deduction_score == 100


def test_state_council_requirement(session, factory, r15):
    factory.site("s", home_features={"state_council": False})
    factory.home_entries("s", [1] * 12)
    assert of(score(session, r15, "s"), "P15-R2", "requirement")
    factory.column("s", "国务院信息", "state_council", [1])
    assert not of(score(session, r15, "s"), "P15-R2")


def test_meta_tags_domain_search_header(session, factory, r19):
    factory.site("s", url="http://www.example.com/", home_features={"search": False, "site_name_in_header": False})
    factory.home_entries("s", [1] * 12)
    meta = dict(FULL_FEATURES["meta"])
    del meta["PubDate"]
    factory.page("s", "http://www.example.com/art/1.html", "article", dict(FULL_FEATURES, meta=meta))
    r = score(session, r19, "s")
    assert [f.points for f in of(r, "C19-D27")] == [0.1] and "PubDate" in of(r, "C19-D27")[0].message
    assert [f.points for f in of(r, "C19-D20a")] == [1]
    assert [f.points for f in of(r, "C19-D25")] == [4]
    assert [f.points for f in of(r, "C19-D20c")] == [1]
