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
