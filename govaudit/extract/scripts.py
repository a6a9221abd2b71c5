"""Does a page build its list or menu by script? Read from what a browser would run and show, not from any
text of the page: a ``fetch(`` or ``$.ajax(`` counts only in script code (not in an HTML comment, not in a
JS comment, not in the page's text), a template marker (``v-for=``, ``{{ item.title }}``) only in markup
outside comments. Linear regular expressions only (pages here are capped in size before parsing)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)(?:</script\s*>|$)", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
# a JS string (kept: a URL in it is code), or a comment (dropped)
_JS_TOKEN = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|/\*.*?(?:\*/|$)|(?<![:\\])//[^\n]*""",
                       re.DOTALL)
_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript")

# calls that fetch or write a list / menu (searched in lowercased script code), each with a word it cannot match
# without: the regular expression runs only where the word is (a leading \b costs a check at every character)
SCRIPT_MARKERS = tuple((word, re.compile(p)) for word, p in (
    ("$.", r"\$\.(?:ajax|get|post|getjson)\s*\("), ("xmlhttprequest", r"xmlhttprequest"), ("fetch", r"\bfetch\s*\("),
    ("axios.", r"axios\."), (".getjson", r"\.getjson\s*\("), ("laypage", r"laypage"), ("layui.", r"layui\."),
    ("template.render", r"template\.render"), ("arttemplate", r"arttemplate"), ("dot.template", r"dot\.template"),
    ("handlebars", r"handlebars"), ("mustache", r"mustache"), ("pagination", r"pagination\s*\("),
    (".jqpaginator", r"\.jqpaginator"), ("jpage(", r"jpage\("), ("vue", r"new\s+vue\s*\("),
    ("document.write", r"document\.write"), (".innerhtml", r"\.innerhtml\s*[+]?="), ("createapp", r"createapp\s*\("),
    ("reactdom.", r"reactdom\."),
))
# client-side templates in the markup (searched in lowercased markup without comments and scripts)
MARKUP_MARKERS = tuple((word, re.compile(p)) for word, p in (
    ("v-for=", r"\bv-for="), ("ng-repeat=", r"\bng-repeat="), ("{{", r"\{\{\s*[\w.]+\s*\}\}"),
))


def _marked(text: str, markers: tuple[tuple[str, re.Pattern[str]], ...]) -> bool:
    return any(word in text and rx.search(text) is not None for word, rx in markers)


def strip_html_comments(html: str) -> str:
    return _HTML_COMMENT.sub(" ", html)


def _js_without_comments(code: str) -> str:
    return _JS_TOKEN.sub(lambda m: m.group(1) or " ", code)


@dataclass(frozen=True)
class ScriptParts:
    code: str  # inline script code, JS comments removed
    markup: str  # the page without HTML comments and without scripts
    srcs: tuple[str, ...]  # external script URLs
    data: str  # bodies of non-JS script blocks (text/xml datastores, JSON, templates): data, not code


@functools.lru_cache(maxsize=4)
def script_parts(html: str) -> ScriptParts:
    """The page's scripts and markup apart (remembered for the last few pages: the extractors of one page ask
    for them several times)."""
    html = strip_html_comments(html)
    code: list[str] = []
    srcs: list[str] = []
    data: list[str] = []
    for m in _SCRIPT.finditer(html):
        attrs, body = m.group(1), m.group(2)
        kind = _TYPE.search(attrs)
        if kind is not None and kind.group(1).lower() not in _JS_TYPES:
            data.append(body)  # a datastore, a JSON block or a template: not run
            continue
        src = _SRC.search(attrs)
        if src is not None:
            srcs.append(src.group(1))
        elif body.strip():
            code.append(_js_without_comments(body))
    return ScriptParts("\n".join(code), _SCRIPT.sub(" ", html), tuple(srcs), "\n".join(data))


def builds_by_script(html: str) -> bool:
    """The page's own scripts (or templates) build content: a list, a pager or a menu."""
    parts = script_parts(html)
    return _marked(parts.code.lower(), SCRIPT_MARKERS) or _marked(parts.markup.lower(), MARKUP_MARKERS)


# third-party libraries a page loads that do not build a site's list by themselves
_LIBRARY = re.compile(
    r"(?:^|[/_-])(?:jquery|bootstrap|html5shiv|respond|polyfill|modernizr|swiper|superslide|hm\.js|analytics|gtag|"
    r"jweixin|wdatepicker|laydate|layer|echarts|pdf|flexible|font|icon)[\w.-]*\.js(?:$|[?#])", re.IGNORECASE)


def site_script_files(html: str) -> list[str]:
    """External scripts a page loads that are not well-known third-party libraries: the site's own code,
    which may build a list into an empty container."""
    return [src for src in script_parts(html).srcs if not _LIBRARY.search(src)]


def runs_scripts(html: str) -> bool:
    """Does the page run any script at all (inline code or an external file)? A page without one cannot
    build its menu by script."""
    parts = script_parts(html)
    return bool(parts.srcs) or bool(parts.code.strip())


def executable_text(html: str) -> str:
    """The page as a browser reads it for scripts and markup: HTML comments removed, JS comments removed."""
    parts = script_parts(html)
    return "\n".join([parts.markup, parts.code, parts.data, *parts.srcs])
