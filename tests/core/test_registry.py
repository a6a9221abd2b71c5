from __future__ import annotations

from pathlib import Path

import pytest

from govaudit.registry import RegistryError, load_registry
from govaudit.registry.sampling import sample_sites

HEADER_ZH = "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,类型,状态\n"
ROWS_ZH = (
    "2300000001,示范省人民政府,http://www.sf.gov.cn/,示范省人民政府办公厅,省直,省级,门户,正常运行\n"
    "2301000002,江城市卫生健康委员会,wsjkw.jc.gov.cn,江城市卫生健康委员会,江城市,市级,部门,运行\n"
    "2301000003,江城市文化局,ftp://bad.example/,江城市文化局,江城市,市级,部门,正常运行\n"
    "2300000001,重复的网站,http://dup.gov.cn/,某单位,省直,省级,部门,正常运行\n"
    ",无标识码,http://x.gov.cn/,某单位,省直,省级,部门,正常运行\n"
    "2301000004,江城市旧网站,http://old.jc.gov.cn/,江城市,江城市,市级,部门,永久下线\n"
    "2301000005,江城市某局,http://a.jc.gov.cn/,江城市,江城市,市级,部门,休眠\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_and_bad_rows(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "reg.csv"
    p.write_bytes((HEADER_ZH + ROWS_ZH).encode(encoding))
    reg = load_registry(p)
    assert [s.site_id for s in reg.sites] == ["2300000001", "2301000002", "2301000004"]
    assert reg.sites[0].name == "示范省人民政府" and reg.sites[0].kind == "portal"
    assert reg.sites[1].url == "http://wsjkw.jc.gov.cn/"  # scheme added
    assert reg.sites[2].status == "offline-permanent"
    reasons = {e.row: e.reason for e in reg.errors}
    assert "http" in reasons[4] and reasons[5].startswith("duplicate site_id, first seen on row 2")
    assert "missing site_id" in reasons[6] and "unknown status" in reasons[8]
    assert reg.totals() == {"registered": 3, "running": 2, "offline_temporary": 0, "offline_permanent": 1}


def test_english_header(tmp_path: Path) -> None:
    p = tmp_path / "reg.csv"
    p.write_text("site_id,name,url,organizer,region,level,kind,status\n"
                 "A1,甲,https://a.gov.cn,甲单位,甲市,市级,department,offline-temporary\n", encoding="utf-8")
    (site,) = load_registry(p).sites
    assert site.status == "offline-temporary" and site.kind == "department"


def test_unreadable_files_fail_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"nope.csv"):
        load_registry(tmp_path / "nope.csv")
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    with pytest.raises(RegistryError, match=r"bin.csv"):
        load_registry(bad)
    nohdr = tmp_path / "nohdr.csv"
    nohdr.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"nohdr.csv"):
        load_registry(nohdr)
    y = tmp_path / "r.yaml"
    y.write_text("sites: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"r.yaml"):
        load_registry(y)


def test_yaml_overrides_on_csv(tmp_path: Path) -> None:
    (tmp_path / "sites.csv").write_text(HEADER_ZH + ROWS_ZH, encoding="utf-8")
    (tmp_path / "reg.yaml").write_text(
        "csv: sites.csv\n"
        "overrides:\n"
        "  '2301000002':\n"
        "    render_js: true\n"
        "    columns: [{name: 通知公告, url: 'http://wsjkw.jc.gov.cn/tzgg/'}]\n"
        "    selectors: {item: 'ul.news li', date: span}\n"
        "  '9999':\n"
        "    render_js: true\n", encoding="utf-8")
    reg = load_registry(tmp_path / "reg.yaml")
    site = reg.by_id()["2301000002"]
    assert site.overrides["render_js"] is True
    assert site.overrides["columns"][0]["name"] == "通知公告"
    assert any("unknown site_id 9999" in e.reason for e in reg.errors)


def test_xlsx_with_merged_region_and_empty_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["全省政府网站名单"])  # a title row above the header
    ws.append(["网站标识码", "网站名称", "首页网址", "所属地区", "状态"])
    ws.append([2301000001, "江城市人民政府", "www.jc.gov.cn", "江城市", "正常运行"])
    ws.append([2301000002, "江城市教育局", "jyj.jc.gov.cn", None, "正常运行"])
    ws.append([None, None, None, None, None])
    ws.append([2301000003, "江城市某局", "", None, "正常运行"])
    ws.merge_cells("D3:D4")
    p = tmp_path / "reg.xlsx"
    wb.save(p)
    reg = load_registry(p)
    assert [s.site_id for s in reg.sites] == ["2301000001", "2301000002"]
    assert reg.sites[1].region == "江城市"  # merged cell value carried down
    assert reg.errors[0].row == 6 and "missing url" in reg.errors[0].reason


def test_sampling_is_stratified_and_reproducible(tmp_path: Path) -> None:
    lines = [HEADER_ZH]
    for region, n in (("省直", 10), ("江城市", 7), ("北山市", 3)):
        for i in range(n):
            lines.append(f"{region}{i:02d},{region}站{i},http://s{i}.{abs(hash(region)) % 997}.gov.cn/,x,{region},市级,部门,正常运行\n")
    p = tmp_path / "reg.csv"
    p.write_text("".join(lines), encoding="utf-8")
    sites = load_registry(p).running()
    a = sample_sites(sites, 0.3, "2017Q4")
    b = sample_sites(sites, 0.3, "2017Q4")
    c = sample_sites(sites, 0.3, "other-seed")
    assert [s.site_id for s in a] == [s.site_id for s in b]
    assert {s.site_id for s in a} != {s.site_id for s in c}
    per_region = {r: sum(1 for s in a if s.region == r) for r in ("省直", "江城市", "北山市")}
    assert per_region == {"省直": 3, "江城市": 3, "北山市": 1}  # ceil(30%) of 10, 7, 3
    with pytest.raises(ValueError):
        sample_sites(sites, 1.5, "x")


# --- the optional `hosts` field and operator input within limits (issue 10.15, 12.4) ----------------------
def test_hosts_field_in_csv_and_yaml(tmp_path: Path) -> None:
    p = tmp_path / "reg.csv"
    p.write_text("网站标识码,网站名称,首页网址,其他域名\n"
                 "A1,甲市人民政府,http://www.a.gov.cn/,\"xxgk.a.gov.cn；http://zwfw.a.gov.cn:8080/x、XXGK.A.GOV.CN\"\n"
                 "A2,乙局,http://b.gov.cn/,ftp://files.b.gov.cn/\n"
                 "A3,丙局,http://c.gov.cn/,\n", encoding="utf-8")
    reg = load_registry(p)
    assert reg.by_id()["A1"].hosts == ["xxgk.a.gov.cn", "zwfw.a.gov.cn:8080"]  # normalised, de-duplicated
    assert reg.by_id()["A3"].hosts == []
    assert any(e.site_id == "A2" and "not a host name" in e.reason for e in reg.errors)
    y = tmp_path / "reg.yaml"
    y.write_text("sites:\n  - {site_id: Y1, name: 丁市, url: 'http://d.gov.cn/', hosts: [xxgk.d.gov.cn, '10.0.0.8:81']}\n",
                 encoding="utf-8")
    assert load_registry(y).sites[0].hosts == ["xxgk.d.gov.cn", "10.0.0.8:81"]


ALIAS_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "sites: [*g]\n"
)


def test_yaml_aliases_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    with pytest.raises(RegistryError, match=r"bomb.yaml: refused: YAML aliases are not accepted \(\*a at line 2\)"):
        load_registry(bomb)
    merge = tmp_path / "merge.yaml"
    merge.write_text("base: &b {kind: 门户}\nsites:\n  - {<<: *b, site_id: M1, name: 某市, url: 'http://m.gov.cn/'}\n",
                     encoding="utf-8")
    with pytest.raises(RegistryError, match="aliases are not accepted"):
        load_registry(merge)
    deep = tmp_path / "deep.yaml"
    deep.write_text("sites: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="nested deeper than 40 levels"):
        load_registry(deep)


def test_xlsx_limits_rows_columns_merged_area_size(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from govaudit.registry.safeload import FileLimits

    def book(build) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(["网站标识码", "网站名称", "首页网址"])
        ws.append(["X1", "某局", "http://x.gov.cn/"])
        build(ws)
        p = tmp_path / f"b{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(p)
        return p

    tight = FileLimits(xlsx_max_rows=50, xlsx_max_columns=10, xlsx_max_merged_cells=100)
    far_row = book(lambda ws: ws.cell(row=1_000_000, column=1, value="x"))
    with pytest.raises(RegistryError, match=r"b0.xlsx: refused: the sheet declares 1000000 rows, more than 50"):
        load_registry(far_row, tight)
    wide = book(lambda ws: ws.cell(row=2, column=16_000, value="x"))
    with pytest.raises(RegistryError, match="columns, more than 10"):
        load_registry(wide, tight)
    merged = book(lambda ws: ws.merge_cells("E1:J20"))
    with pytest.raises(RegistryError, match="merged cell ranges cover more than 100 cells"):
        load_registry(merged, tight)
    ok = book(lambda ws: ws.merge_cells("D2:D3"))
    assert [s.site_id for s in load_registry(ok, tight).sites] == ["X1"]
    with pytest.raises(RegistryError, match="more than the limit of 1000"):
        load_registry(ok, FileLimits(max_bytes=1000))
