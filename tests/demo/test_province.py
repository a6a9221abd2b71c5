"""The demo province as built: determinism, dates relative to the as-of date, and planted answers that
agree with the bytes of the pages (read back with regular expressions, independent of the generator)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest

from govaudit.classify import classify_column
from govaudit.demo.model import Column, DemoSite
from govaudit.demo.province import Province, build_province
from tests.demo.conftest import ASOF
from tests.demo.expected import expected_answers, months_before

FULL_DATE = re.compile(rb"(?<![\d-])(20\d\d)-(\d\d)-(\d\d)(?![\d-])")
HOME_DATE = re.compile(r'<span class="date">\[?(?:(20\d\d)-)?(\d\d)-(\d\d)\]?</span>')
LINK = re.compile(rb'(?:href|src)="([^"#]+)"')


def digest(p: Province) -> str:
    h = hashlib.sha256()
    for site in [p.national, *p.sites]:
        for path in sorted(site.pages):
            r = site.pages[path]
            h.update(f"{site.site_id}|{path}|{r.status}|{r.content_type}|".encode())
            h.update(r.body)
    return h.hexdigest()


def first_page(site: DemoSite, col: Column) -> bytes:
    r = site.response(col.path)
    assert r is not None and r.status == 200, (site.site_id, col.name)
    frame = re.search(rb'<iframe name="listFrame" src="([^"]+)"', r.body)  # the "frame_lists" trait
    return first_page_at(site, urljoin(col.path, frame.group(1).decode())) if frame else r.body


def first_page_at(site: DemoSite, path: str) -> bytes:
    r = site.response(path)
    assert r is not None and r.status == 200, (site.site_id, path)
    return r.body


def newest_listed(site: DemoSite, col: Column) -> dt.date | None:
    """Newest full date printed on a column's first list page (JSON endpoint for JS-built lists)."""
    body = first_page(site, col)
    if col.spec.js:
        api = next(p for p in site.pages if p.startswith("/api/list?") and p.endswith("&page=1")
                   and json.loads(site.pages[p].body)["name"] == col.name)
        body = site.pages[api].body
    dates = [dt.date(int(y), int(m), int(d)) for y, m, d in FULL_DATE.findall(body)]
    return max(dates) if dates else None


def served_sites(p: Province) -> list[DemoSite]:
    return [s for s in p.sites if s.served and s.behaviour == "ok"]


# ------------------------------------------------------------------------------------------------------


def test_same_asof_and_seed_give_identical_bytes(province: Province) -> None:
    again = build_province(ASOF, 2017)
    assert digest(again) == digest(province)
    assert expected_answers(again) == expected_answers(province)
    assert digest(build_province(ASOF, 2018)) != digest(province)


def test_dates_are_relative_to_asof(province: Province) -> None:
    other_asof = dt.date(2019, 3, 1)
    other = build_province(other_asof)
    for a, b in zip(province.sites, other.sites, strict=True):
        for ca, cb in zip(a.all_columns(), b.all_columns(), strict=True):
            ages_a = [(ASOF - e.date).days for e in ca.all_entries()]
            ages_b = [(other_asof - e.date).days for e in cb.all_entries()]
            assert ages_a == ages_b, (a.site_id, ca.name)
            assert all(age >= 0 for age in ages_a), (a.site_id, ca.name)  # nothing after the as-of date
    exp_a, exp_b = expected_answers(province), expected_answers(other)
    for sid in exp_a:
        for key in ("verdict_2019", "vetoes_2019", "stale_columns", "blank_columns", "home_stale"):
            assert exp_a[sid][key] == exp_b[sid][key], (sid, key)


def test_province_shape(province: Province, expected: dict) -> None:
    sites = province.sites
    assert len(sites) >= 14
    assert all(len(s.site_id) == 10 and s.site_id.isdigit() for s in sites)
    assert len({s.site_id for s in sites}) == len(sites)
    assert {"省级", "市级", "县级"} <= {s.level for s in sites}
    assert len({s.region for s in sites}) >= 4 and "省直" in {s.region for s in sites}
    assert {"running", "offline-temporary", "offline-permanent"} == {s.status for s in sites}
    assert {"portal", "department"} == {s.kind for s in sites}
    assert "gbk" in {s.encoding for s in served_sites(province)}
    verdicts = [e["verdict_2019"] for e in expected.values()]
    assert verdicts.count("qualified") >= 5 and verdicts.count("unqualified") >= 5
    vetoes = {v for e in expected.values() for v in e["vetoes_2019"]}
    assert {"C19-V3", "C19-V4", "C19-V5", "C19-V6"} <= vetoes
    states = {e["crawl_state"] for e in expected.values()}
    assert {"ok", "unreachable", "blocked", "offline"} == states
    rows = province.registry_rows({})
    assert [r["site_id"] for r in rows] == [s.site_id for s in sites]
    assert all(r["url"].startswith("http://127.0.0.") for r in rows)


def test_column_names_classify_to_their_planted_category(province: Province) -> None:
    for site in province.sites:
        for col in site.all_columns():
            assert classify_column(col.name) == col.category, (site.site_id, col.name)


def test_stale_and_fresh_columns_agree_with_the_pages(province: Province, expected: dict) -> None:
    windows = {"news": ASOF - dt.timedelta(days=14), "notice": months_before(ASOF, 6),
               "policy": months_before(ASOF, 6), "interpretation": months_before(ASOF, 6),
               "personnel": months_before(ASOF, 12), "planning": months_before(ASOF, 12)}
    checked = 0
    for site in served_sites(province):
        stale = set(expected[site.site_id]["stale_columns"])
        for col in site.all_columns():
            if col.category not in windows or col.spec.kind != "list" or col.spec.blank or col.spec.status != 200:
                continue
            newest = newest_listed(site, col)
            assert newest is not None, (site.site_id, col.name)
            assert newest == col.latest, (site.site_id, col.name)
            assert (newest < windows[col.category]) == (col.name in stale), (site.site_id, col.name, newest)
            checked += 1
    assert checked > 60
    # the planted stale columns are far outside their window, not at its edge
    for site in served_sites(province):
        for name in expected[site.site_id]["stale_columns"]:
            col = site.column(name)
            assert (windows[col.category] - col.latest).days >= 10, (site.site_id, name)


def test_blank_and_note_columns_have_no_dated_rows(province: Province, expected: dict) -> None:
    blank_total = 0
    for site in served_sites(province):
        exp = expected[site.site_id]
        for name in exp["blank_columns"] + exp["blank_note_columns"]:
            body = first_page(site, site.column(name)).decode(site.encoding)
            assert not FULL_DATE.search(body.encode()), (site.site_id, name)
            assert ("暂未产生相关信息" in body) == (name in exp["blank_note_columns"])
            blank_total += name in exp["blank_columns"]
        placeholders = [n for n in exp["blank_columns"] if "暂无信息" in first_page(site, site.column(n)).decode()]
        if len(exp["blank_columns"]) >= 5:
            assert placeholders and len(placeholders) < len(exp["blank_columns"])  # both kinds planted
    assert blank_total >= 5


def _home_dates(site: DemoSite) -> list[dt.date]:
    text = site.pages[site.home_path].body.decode(site.encoding)
    out = []
    for y, m, d in HOME_DATE.findall(text):
        year = int(y) if y else ASOF.year
        date = dt.date(year, int(m), int(d))
        if not y and date > ASOF:  # year-less: the most recent such day not after the as-of date
            date = date.replace(year=year - 1)
        out.append(date)
    return out


def test_home_pages(province: Province, expected: dict) -> None:
    for site in served_sites(province):
        exp = expected[site.site_id]
        dates = _home_dates(site)
        assert len(dates) == exp["home_entries"], site.site_id
        recent = [d for d in dates if (ASOF - d).days <= 14]
        assert len(recent) == exp["home_entries_2w"], site.site_id
        if exp["home_stale"]:
            assert dates and not recent and max(dates) < ASOF - dt.timedelta(days=21)
        elif exp["verdict_2019"] == "qualified":
            assert len(recent) >= 10, site.site_id
        home = site.pages[site.home_path].body.decode(site.encoding)
        assert ("我为政府网站找错" in home and "_jiucuo_" in home) != exp["missing_zhaocuo"], site.site_id
        assert ('<h3>国务院信息</h3>' in home) == exp["state_council_on_home"]
        for needle in ("主办单位", "联系电话", f"网站标识码：{site.site_id}", "ICP备", "公网安备", "党政机关",
                       '<meta name="SiteName"', '<meta name="SiteIDCode"', 'name="searchword"', "更多"):
            assert needle in home, (site.site_id, needle)
    assert sum(expected[s.site_id]["state_council_on_home"] for s in served_sites(province)) > len(
        served_sites(province)) / 2


def test_letters_and_guides(province: Province, expected: dict) -> None:
    for site in served_sites(province):
        exp = expected[site.site_id]
        unanswered = {u["path"] for u in exp["unanswered_letters"]}
        for col in site.all_columns():
            if col.spec.kind == "letters":
                listing = first_page(site, col).decode(site.encoding)
                assert "<th>留言时间</th><th>答复时间</th>" in listing and "留言受理反馈情况统计" in listing
                for e in col.entries:
                    page = site.pages[e.path].body.decode(site.encoding)
                    has_reply = "<th>答复时间</th>" in page
                    assert has_reply == (e.extra.get("replied") is not None)
                    if e.path in unanswered:
                        assert not has_reply and (ASOF - e.date).days > 90
                    elif not has_reply:
                        # only recent letters wait for a reply, or the old ones planted in a non-consultation
                        # column (which the rubric does not count: not in the answer key's unanswered letters)
                        assert (ASOF - e.date).days <= 30 or (col.spec.unanswered and col.category != "consultation")
            if col.spec.kind == "guides":
                bad = {g["path"] for g in exp["bad_guides"]}
                for e in col.entries:
                    page = site.pages[e.path].body.decode(site.encoding)
                    labels = re.findall(r'<th width="120">([^<]+)</th>', page)
                    assert (len(labels) <= 6) == (e.path in bad), (site.site_id, e.title, labels)
                    if e.path not in bad:
                        assert len(labels) == 10 and ("表格下载" in page) == (site.spec.forms != "missing")
    by_id = dict(expected.items())
    assert len(by_id["2303000013"]["bad_guides"]) >= 5 and by_id["2304000014"]["unanswered_letters"]


def test_gbk_site_and_the_page_without_charset(province: Province, expected: dict) -> None:
    gbk = next(s for s in served_sites(province) if s.encoding == "gbk")
    home = gbk.pages["/index.html"]
    assert home.content_type == "text/html"
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("utf-8")
    text = home.body.decode("gbk")
    assert 'charset=gbk' in text and gbk.name in text
    no_charset = [(s, p) for s in served_sites(province) for p in expected[s.site_id]["no_charset_pages"]]
    assert no_charset
    for site, path in no_charset:
        r = site.response(path)
        assert r is not None and r.content_type == "text/html" and b"charset" not in r.body.lower()
        r.body.decode("utf-8")  # it is UTF-8, just undeclared


def _resolve(site: DemoSite, page_path: str, href: str) -> str | None:
    url = urljoin("http://demo.test" + page_path, href)
    parts = urlsplit(url)
    if parts.netloc != "demo.test":
        return None  # external (rewritten by the server) or javascript:
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_internal_links_resolve_except_the_planted_404(province: Province, expected: dict) -> None:
    for site in served_sites(province):
        broken404 = {site.column(n).path for n in expected[site.site_id]["http404_columns"]}
        forms404 = set(expected[site.site_id]["broken_form_links"])  # planted: form links answering 404
        pages = ["/index.html", site.home_path] + [c.path for c in site.all_columns() if c.spec.status == 200]
        pages += [c.entries[0].path for c in site.all_columns() if c.entries][:8]
        broken: set[str] = set()
        for page in pages:
            body = site.response(page).body  # type: ignore[union-attr]
            for raw in LINK.findall(body):
                target = _resolve(site, page, raw.decode(site.encoding).replace("&amp;", "&"))
                if target is None or "'" in target:  # a string inside a script, not a link
                    continue
                r = site.response(target)
                if r is None or r.status != 200:
                    broken.add(target)
        assert broken - forms404 == broken404, site.site_id


def test_external_links_use_the_loopback_marker(province: Province) -> None:
    for site in served_sites(province):
        home = site.pages[site.home_path].body
        for raw in LINK.findall(home):
            host = urlsplit(raw.decode(site.encoding)).netloc
            assert host in ("", "demo-ext.invalid"), (site.site_id, raw)


# --- an N-site province (load tests): the running sites cycled --------------------------------------------


def site_digest(site: DemoSite) -> str:
    h = hashlib.sha256()
    for path in sorted(site.pages):
        r = site.pages[path]
        h.update(f"{path}|{r.status}|{r.content_type}|".encode() + r.body)
    return h.hexdigest()


def test_n_sites_start_with_the_running_sites_unchanged(province: Province) -> None:
    running = [s for s in province.sites if s.status == "running"]
    small = build_province(ASOF, sites=len(running))
    assert [s.site_id for s in small.sites] == [s.site_id for s in running]
    assert [s.address for s in small.sites] == [s.address for s in province.sites[:len(running)]]
    for a, b in zip(small.sites, running, strict=True):
        assert site_digest(a) == site_digest(b), a.site_id


def test_n_sites_cycle_the_templates_with_their_planted_answers(province: Province, big_province: Province) -> None:
    templates = [s for s in province.sites if s.status == "running"]
    big = big_province
    sites = big.sites
    assert len(sites) == 245 and all(s.status == "running" for s in sites)
    for attr in ("site_id", "name", "address"):
        assert len({getattr(s, attr) for s in sites}) == len(sites), attr
    assert all(len(s.site_id) == 10 and s.site_id.isdigit() for s in sites)
    assert {s.address.rsplit(".", 1)[0] for s in sites} == {"127.0.0", "127.0.1"}
    answers = expected_answers(big)
    template_answers = expected_answers(province)
    for i, site in enumerate(sites):
        template = templates[i % len(templates)]
        assert site.spec.family == template.spec.family and site.encoding == template.encoding
        got, want = answers[site.site_id], template_answers[template.site_id]
        for key in ("crawl_state", "verdict_2019", "vetoes_2019", "stale_columns", "blank_columns", "home_stale",
                    "http404_columns", "js_columns"):
            assert got[key] == want[key], (site.site_id, template.site_id, key)
        if i >= len(templates):  # a copy: its own identity on its pages
            home = site.pages[site.home_path].body.decode(site.encoding) if site.behaviour == "ok" else ""
            assert site.name != template.name
            assert not home or (f"网站标识码：{site.site_id}" in home and site.name in home)


def test_a_few_sites_link_only_to_sites_that_exist() -> None:
    small = build_province(ASOF, sites=3)
    ids = {s.site_id for s in small.sites}
    for site in small.sites:
        home = site.pages[site.home_path].body.decode(site.encoding)
        targets = set(re.findall(r"http://demo-ext\.invalid/(\d{10})/", home))
        assert targets <= ids, (site.site_id, targets - ids)
    with pytest.raises(ValueError):
        build_province(ASOF, sites=0)
