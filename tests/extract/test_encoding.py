"""Decoding: GBK without meta, mis-declared pages, BOMs, truncated UTF-8, garbage."""

from __future__ import annotations

from pathlib import Path

from govaudit.extract.encoding import decode_html

PAGES = Path(__file__).resolve().parent.parent / "pages" / "extract"


def test_gbk_page_without_any_declaration_is_sniffed() -> None:
    text, enc = decode_html((PAGES / "gbk_no_meta.html").read_bytes())
    assert enc == "gb18030"
    assert "关于开展冬季消防检查的通知" in text


def test_utf8_page_declaring_gb2312_is_read_as_utf8() -> None:
    body = (PAGES / "misdeclared_gb2312_utf8.html").read_bytes()
    text, enc = decode_html(body, declared="gb2312")
    assert enc == "utf-8"
    assert "市长主持召开全市春耕生产工作会议" in text


def test_gbk_page_served_as_utf8_falls_back_to_gb18030() -> None:
    text, enc = decode_html((PAGES / "trs_old_table_gb2312.html").read_bytes(), declared="utf-8")
    assert enc == "gb18030"
    assert "市政府召开第12次常务会议" in text


def test_declared_gbk_is_decoded_as_gb18030_superset() -> None:
    body = "镕𠀀".encode("gb18030")  # 镕 is outside GB2312; 𠀀 needs GB18030's four-byte form
    text, enc = decode_html(body, declared="GB2312")
    assert (text, enc) == ("镕𠀀", "gb18030")


def test_bom_wins() -> None:
    text, enc = decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>", declared="gbk")
    assert (text, enc) == ("<p>中</p>", "utf-8")


def test_utf8_cut_mid_character_is_still_utf8() -> None:
    body = "<p>政府信息公开</p>".encode()[:-6]
    text, enc = decode_html(body)
    assert enc == "utf-8" and text.startswith("<p>政府信息")


def test_never_raises_on_garbage() -> None:
    text, enc = decode_html(bytes(range(256)) * 10, declared="no-such-codec")
    assert isinstance(text, str) and enc
