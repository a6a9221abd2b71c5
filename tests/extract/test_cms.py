"""Per-CMS pieces: datastore records/paging, TRS createPageHTML forms, base64 pagers, family detection."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote_plus

from govaudit.extract.cms import datastore, detect_cms, trs
from govaudit.extract.pagination import decode_base64_pager

PAGES = Path(__file__).resolve().parent.parent / "pages" / "extract"


def test_datastore_records_are_the_cdata_payloads() -> None:
    records = datastore.records_html((PAGES / "hanweb_datastore_column.html").read_text(encoding="utf-8"))
    assert records is not None and len(records) == 4
    assert all(r.strip().startswith("<li>") and "CDATA" not in r and "<record" not in r for r in records)


def test_datastore_jsonp_payload_is_unescaped() -> None:
    payload = ';raw({"result":"<datastore><totalrecord>377<\\/totalrecord><recordset><record><![CDATA[<li><a href=\\"/a\\/1.html\\">标题<\\/a><span>2026-07-15<\\/span><\\/li>]]><\\/record><\\/recordset><\\/datastore>"})'
    assert datastore.records_html(payload) == ['<li><a href="/a/1.html">标题</a><span>2026-07-15</span></li>']
    info = datastore.pagination(payload, "http://www.xx.gov.cn/module/web/jpage/dataproxy.jsp")
    assert info is not None and info.total_records == 377 and info.total_pages is None


def test_createpagehtml_four_args_zero_based() -> None:
    text = '<script>createPageHTML(9, 0, "index", "html");</script>'
    info = trs.pagination(text, "https://www.ndrc.gov.cn/xxgk/zcfb/fzggwl/")
    assert info is not None and info.total_pages == 9 and info.current_page == 1
    assert info.next_pages == ["https://www.ndrc.gov.cn/xxgk/zcfb/fzggwl/index_1.html"]


def test_createpagehtml_on_a_later_page_and_last_page() -> None:
    info = trs.pagination('createPageHTML(9, 3, "index", "shtml");', "http://a.gov.cn/col/index_3.shtml")
    assert info is not None and info.next_pages == ["http://a.gov.cn/col/index_4.shtml"]
    last = trs.pagination('createPageHTML(9, 8, "index", "shtml");', "http://a.gov.cn/col/index_8.shtml")
    assert last is not None and last.next_pages == [] and last.total_pages == 9


def test_createpagehtml_definition_is_not_the_call() -> None:
    text = ('function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ }\n'
            'createPageHTML(55,0, "index","shtml","1089");')
    info = trs.pagination(text, "http://dnr.gxzf.gov.cn/zwgk/kyqjy/index.shtml")
    assert info is not None and info.total_pages == 55 and info.total_records == 1089
    assert info.next_pages == ["http://dnr.gxzf.gov.cn/zwgk/kyqjy/index_1.shtml"]


def test_a_call_of_another_function_ending_in_createpagehtml_is_not_the_pager() -> None:
    text = ('pager.createPageHTML(7, 0, "index", "html"); mycreatePageHTML(8, 0, "index", "html");\n'
            'createPageHTML(55,0, "index","shtml","1089");')
    info = trs.pagination(text, "http://dnr.gxzf.gov.cn/zwgk/kyqjy/index.shtml")
    assert info is not None and info.total_pages == 55
    assert trs.pagination('pager.createPageHTML(7, 0, "index", "html");', "http://a.gov.cn/") is None


def test_createpagehtml_six_args_has_count_but_no_guessed_url() -> None:
    info = trs.pagination("createPageHTML('page-div',34, 1,'common_list','shtml',500);", "http://a.gov.cn/x/common_list.shtml")
    assert info is not None and (info.total_pages, info.current_page, info.total_records) == (34, 1, 500)
    assert info.next_pages == []


def test_base64_urlencoded_pager() -> None:
    html = '<a class="a1">1463条</a> <span>1</span> <a href="/html/col/2.html">2</a> <a href="/html/col/2.html">下一页</a>'
    encoded = base64.b64encode(quote_plus(html).encode()).decode()
    assert decode_base64_pager(encoded) == html
    assert decode_base64_pager("not base64 at all, just a sentence of text") is None


def test_family_detection() -> None:
    assert detect_cms((PAGES / "hanweb_datastore_column.html").read_text(encoding="utf-8"), "http://a/col/col1/index.html").NAME == "hanweb"
    assert detect_cms('<script>createPageHTML(2,0,"index","html")</script>', "http://a/").NAME == "trs"
    assert detect_cms("<html><body><ul><li>x</li></ul></body></html>", "http://a/").NAME == "generic"
