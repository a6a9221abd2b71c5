"""The bundle's view of an archived page shows what the page said and runs, loads and navigates nothing."""

from __future__ import annotations

from lxml import html as lhtml

from govaudit.archive.bundle import inert_html

HOSTILE = """<html><head><meta http-equiv="refresh" content="0;url=http://evil.example/">
<base href="http://evil.example/"><link rel="stylesheet" href="/a.css">
<style>@import "x.css"; body { background: url(/bg.png) } .t { color: #c00 }</style>
<script>document.write('<img src=http://evil.example/x>')</script></head>
<body onload="steal()"><div class="t" style="background-image:url('a.png');color:red">通知公告</div>
<a href="/xw/1.html" onclick="go()">关于开展专项检查的通知</a><img src="/images/logo.png" srcset="/l2.png 2x" alt="网站标志">
<iframe src="http://evil.example/frame"></iframe><object data="x.swf"></object><form action="http://evil.example/">
<input type="image" src="/btn.png"></form><svg><image xlink:href="/x.png" href="/y.png"></image></svg>
<video poster="/p.jpg"><source src="/v.mp4"></video></body></html>"""


def test_inert_copy_keeps_the_text_and_nothing_active() -> None:
    out = inert_html(HOSTILE)
    root = lhtml.document_fromstring(out)
    assert "通知公告" in out and "关于开展专项检查的通知" in out and 'alt="网站标志"' in out
    assert not root.xpath("//script|//iframe|//object|//base|//link|//meta|//noscript")
    for el in root.iter():
        if isinstance(el.tag, str):
            for name in el.attrib:
                assert not name.lower().startswith("on"), (el.tag, name)
                assert name.lower() not in ("src", "srcset", "href", "action", "poster", "data"), (el.tag, name)
    assert "url(" not in out and "@import" not in out
    assert root.xpath("//a/@title") == ["/xw/1.html"]  # the link's target stays readable
    assert "color:red" in out.replace(" ", "") and ".t { color: #c00 }" in out  # the layout stays


def test_unparseable_text_is_shown_as_text() -> None:
    assert inert_html("").startswith("<pre>")
