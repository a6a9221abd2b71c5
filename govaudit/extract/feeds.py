"""Script-fed lists read without a browser.

Many CMS list pages ship an empty container and an inline script that asks the site for the list
(``$.ajax({url: "/api/list", data: {channelId: 12, pageNo: page}})``, ``fetch(`/api/list?page=${p}`)``,
``xhr.open("GET", "/info/list.json?page=" + page)``, ``$("#list").load("/col/123/list_1.html")``) and writes it
into the page. A browser is the general way to read such a page; when the request can be read from the script
itself, asking the site for it directly gives the same list for a fraction of the cost.

* `find_feeds(code, page_url)` reads those requests from inline script code (JS comments already removed):
  the URL, the method and the query or form data, from string literals, concatenations, template literals,
  simple ``var x = "…"`` constants and the page number. A request whose URL or data depends on anything
  else is not guessed: the page is rendered instead.
* `read_feed(…)` reads the answer: JSON (or JSONP) with a list of records, each with a title, a link and a
  date found by key name and value shape (``title``/``docTitle``/``biaoti``, ``url``/``linkUrl``,
  ``pubDate``/``publishTime``/``fbrq``, epoch milliseconds…), or an HTML fragment read like any list page.
  A record's link is resolved against the page (where the browser would put it), not the endpoint.
* `next_feed(…)`: the same request for the next page, while the answer says there is one.
* `feeds_seen(…)`: the same for the requests a rendered page was seen making (its script could not be read):
  the list's later pages are then asked for directly instead of being rendered one by one.

Everything here is plain data (JSON-safe dicts), so a feed travels in request meta and through the queue.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from govaudit.extract import dates
from govaudit.extract.encoding import decode_html
from govaudit.extract.joinurl import join_url

PAGE = "\ue000"  # stands for the page number inside a feed's URL or data until it is filled in
MAX_CODE = 400_000  # script code read for feeds (pages are capped before parsing; this bounds the scan)
MAX_FEEDS = 4
_MAX_RECORDS_SCAN = 200
_MAX_DEPTH = 6

_CALL = re.compile(
    r"(?P<jq>(?:\$|\bjQuery)\s*\.\s*(?P<jqm>ajax|getJSON|get|post)\s*\()"
    r"|(?P<fetch>(?<![\w.$])fetch\s*\()"
    r"|(?P<xhr>\.\s*open\s*\(\s*['\"](?P<xm>GET|POST)['\"]\s*,)"
    r"|(?P<axios>\baxios\s*(?:\.\s*(?P<axm>get|post|request)\s*)?\()"
    r"|(?P<load>\.\s*load\s*\()",
    re.IGNORECASE,
)
_ASSIGN = re.compile(
    r"""(?:\b(?:var|let|const)\s+|[;{}\n,]\s*)([A-Za-z_$][\w$]*)\s*=\s*("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\d+)\s*[;,\n]"""
)
_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?$")
_PAGE_NAME = re.compile(
    r"(?:cur(?:r|rent)?_?|now_?)?(?:page|pn|pi|p|pg)(?:_?(?:no|num|number|index|idx))?|current|pageindex|startpage",
    re.IGNORECASE,
)
_WRAPPER_CALL = re.compile(r"(?:encodeURIComponent|encodeURI|escape|String|parseInt|Number)\s*\(", re.IGNORECASE)
_STATIC = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|ttf|mp4|mp3|pdf|docx?|xlsx?)(?:$|\?)", re.IGNORECASE)
# requests of a page that are not its list: counters, statistics, weather, sign-in, captcha
_NOT_A_LIST = re.compile(r"(?:count|visit|stat|click|hits?|weather|login|logout|captcha|verify|track|token|"
                         r"online|user|session)(?:[^a-z]|$)", re.IGNORECASE)
_LISTISH = re.compile(r"list|article|info|news|doc|channel|column|query|page|record|content|data", re.IGNORECASE)


# ---------------------------------------------------------------------------------------- JS reading


def _skip_string(code: str, i: int) -> int:
    quote = code[i]
    i += 1
    while i < len(code):
        c = code[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if c == "\n" and quote != "`":
            return i
        i += 1
    return i


def _split_top(code: str, start: int, seps: str, end: str | None) -> tuple[list[str], int]:
    """Pieces of `code` from `start` separated by any of `seps` at nesting depth 0, up to the closing `end`
    (or the end of the text). Returns the pieces and the index after the closing character."""
    pieces: list[str] = []
    depth = 0
    i = piece = start
    n = min(len(code), start + 20_000)
    while i < n:
        c = code[i]
        if c in "'\"`":
            i = _skip_string(code, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                if end is not None and c == end:
                    pieces.append(code[piece:i])
                    return pieces, i + 1
                break
            depth -= 1
        elif depth == 0 and c in seps:
            pieces.append(code[piece:i])
            piece = i + 1
        i += 1
    pieces.append(code[piece:i])
    return pieces, i


def _unquote(lit: str) -> str:
    body = lit[1:-1]
    try:
        return json.loads('"' + body.replace('"', '\\"').replace("\\'", "'").replace('\\\\"', '\\"') + '"')
    except ValueError:
        return body.replace("\\/", "/").replace("\\'", "'").replace('\\"', '"')


def is_page_name(name: str) -> bool:
    last = re.split(r"\s*\.\s*", name.strip())[-1]
    return bool(_PAGE_NAME.fullmatch(last))


def _value(expr: str, env: dict[str, str]) -> str | None:
    """The string an expression builds: literals, `+`, template literals, known constants and the page
    number (as PAGE). None when any part is unknown."""
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")") and _split_top(expr, 1, "", ")")[1] == len(expr):
        expr = expr[1:-1].strip()
    terms, _ = _split_top(expr, 0, "+", None)
    if len(terms) > 1:
        parts = [_value(t, env) for t in terms]
        return None if any(p is None for p in parts) else "".join(p for p in parts if p is not None)
    term = expr
    if not term:
        return None
    if term[0] in "'\"" and len(term) >= 2 and term[-1] == term[0]:
        return _unquote(term)
    if term[0] == "`" and term[-1] == "`" and len(term) >= 2:
        return _template(term[1:-1], env)
    if _NUMBER.match(term):
        return term
    call = _WRAPPER_CALL.match(term)
    if call is not None and term.endswith(")"):
        return _value(term[call.end():-1], env)
    if _IDENT.match(term):
        if is_page_name(term):
            return PAGE
        name = re.sub(r"\s+", "", term)
        return env.get(name, env.get(name.rsplit(".", 1)[-1]))
    return None


def _template(body: str, env: dict[str, str]) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(body):
        j = body.find("${", i)
        if j < 0:
            out.append(body[i:])
            break
        out.append(body[i:j])
        pieces, after = _split_top(body, j + 2, "", "}")
        inner = _value(pieces[0], env) if pieces else None
        if inner is None:
            return None
        out.append(inner)
        i = after
    return "".join(out)


def _object(expr: str) -> dict[str, str] | None:
    """The top-level `key: value` pairs of an object literal, values as expressions."""
    expr = expr.strip()
    if not expr.startswith("{"):
        return None
    pieces, _ = _split_top(expr, 1, ",", "}")
    out: dict[str, str] = {}
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        key, sep, value = piece.partition(":")
        key = key.strip()
        if key[:1] in "'\"" and key[-1:] == key[:1]:
            key = key[1:-1]
        if not sep:
            value = key  # shorthand {page}
        if not re.fullmatch(r"[\w$.-]+", key):
            return None
        out[key] = value.strip()
    return out


def _data(expr: str | None, env: dict[str, str]) -> list[tuple[str, str]] | None:
    """Query or form data from an object literal or a query string; None when a value is unknown."""
    if expr is None or not expr.strip():
        return []
    obj = _object(expr)
    if obj is None:
        text = _value(expr, env)
        if text is None:
            return None
        pairs = [p.partition("=") for p in text.lstrip("?").split("&") if p]
        return [(k, v) for k, _, v in pairs]
    out: list[tuple[str, str]] = []
    for key, value_expr in obj.items():
        value = _value(value_expr, env)
        if is_page_name(key) and (value is None or (value.isdigit() and int(value) <= 1)):
            value = PAGE
        if value is None:
            return None
        out.append((key, value))
    return out


def _constants(code: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for m in _ASSIGN.finditer(code):
        name, lit = m.group(1), m.group(2)
        value = lit if lit[0].isdigit() else _unquote(lit)
        env.setdefault(name, value)  # the first assignment: the page's own initial value
    return env


def _feed(url: str | None, method: str, data: list[tuple[str, str]] | None, page_url: str) -> dict[str, Any] | None:
    if url is None or data is None:
        return None
    url = url.strip()
    if method == "GET" and url.count(" ") and not url.startswith("http"):
        url = url.split(" ", 1)[0]  # jQuery .load("/list.html #content")
    if not url or url.startswith(("javascript:", "data:", "#")) or _STATIC.search(url):
        return None
    absolute = join_url(page_url, url)
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    form: list[tuple[str, str]] = []
    if method == "GET" and data:
        query = urlencode(data, safe=",").replace(quote(PAGE), PAGE)
        absolute += ("&" if "?" in absolute else "?") + query
    elif data:
        form = data
    return {"url": absolute, "method": method, "form": form, "page": 1, "base": page_url}


def _calls(code: str, env: dict[str, str], page_url: str) -> Iterator[dict[str, Any]]:
    for m in _CALL.finditer(code):
        args, _ = _split_top(code, m.end(), ",", ")")
        args = [a.strip() for a in args]
        first = args[0] if args else ""
        second = args[1] if len(args) > 1 else None
        if m.group("xhr"):
            yield from _opt(_feed(_value(first, env), m.group("xm").upper(), [], page_url))
        elif m.group("load"):
            data = second if second is not None and second.startswith("{") else None
            yield from _opt(_feed(_value(first, env), "POST" if data else "GET", _data(data, env), page_url))
        elif m.group("fetch"):
            init = _object(second) if second else {}
            if init is None:
                continue
            method = (_value(init.get("method", "'GET'"), env) or "").upper()
            if method != "GET" and "body" in init:
                body = init["body"].strip()
                inner = re.fullmatch(r"new\s+URLSearchParams\s*\((.*)\)", body, re.DOTALL)
                yield from _opt(_feed(_value(first, env), method, _data(inner.group(1) if inner else None, env)
                                      if inner else None, page_url))
            elif method in ("GET", "POST"):
                yield from _opt(_feed(_value(first, env), method, [], page_url))
        elif m.group("jq") or m.group("axios"):
            how = (m.group("jqm") or m.group("axm") or "").lower()
            settings = _object(first)
            if settings is not None:  # $.ajax({...}) / axios({...})
                url_expr = settings.get("url")
                method = (_value(settings.get("type") or settings.get("method") or "'GET'", env) or "").upper()
                data_expr = settings.get("data") if m.group("jq") else settings.get("params") or settings.get("data")
                if settings.get("contentType", "").find("json") >= 0 and method != "GET":
                    continue  # a JSON body: not guessed
                if method in ("GET", "POST"):
                    yield from _opt(_feed(_value(url_expr, env) if url_expr else None, method,
                                          _data(data_expr, env), page_url))
                continue
            method = "POST" if how == "post" else "GET"
            data_expr = None
            if second is not None and not _is_function(second):
                opts = _object(second) if m.group("axios") and how == "get" else None
                data_expr = opts.get("params") if opts is not None else second
            yield from _opt(_feed(_value(first, env), method, _data(data_expr, env), page_url))


def _is_function(expr: str) -> bool:
    return expr.startswith("function") or "=>" in expr.split("{", 1)[0]


def _opt(feed: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    if feed is not None:
        yield feed


def find_feeds(code: str, page_url: str) -> list[dict[str, Any]]:
    """The list requests an inline script makes, best first (those that carry a page number, then those whose
    address reads like a list); at most MAX_FEEDS. `code`: the page's inline script code, comments removed."""
    code = code[:MAX_CODE]
    if not _CALL.search(code):
        return []
    env = _constants(code)
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for feed in _calls(code, env, page_url):
        key = (feed["url"], feed["method"], json.dumps(feed["form"]))
        path = urlsplit(feed["url"].replace(PAGE, "1")).path
        if key in seen or _NOT_A_LIST.search(path):
            continue
        seen.add(key)
        found.append(feed)
    found.sort(key=lambda f: (not _has_page(f), not _LISTISH.search(f["url"])))
    return found[:MAX_FEEDS]


_QUERY_PAGE = re.compile(r"(?P<name>[^&=]+)=1(?=&|$)")


def _mark_page(query: str) -> str | None:
    """`query` with the value of each page-named field that says 1 replaced by PAGE; None when none does."""
    out = _QUERY_PAGE.sub(lambda m: f"{m.group('name')}={PAGE}" if is_page_name(m.group("name")) else m.group(0),
                          query)
    return out if PAGE in out else None


def feeds_seen(requests: list[dict[str, Any]], page_url: str) -> list[dict[str, Any]]:
    """Feeds among the requests a rendered list page was seen making (`{"url", "method", "form"}`, `form`:
    the fields of a form-encoded POST, None for any other body): those that ask for page 1 in a page-named
    query or form field (``pageNo=1``, ``curPage=1``), that field standing for the feed's page number. The
    caller checks the answer against the list the page showed before paging through it. Not taken: other
    page numbers (the first page is rendered), zero-based or offset paging, JSON bodies, static files and
    counters, sign-in and the like; those whose address reads like a list come first; at most MAX_FEEDS."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for req in requests:
        url, method, form = str(req.get("url") or ""), str(req.get("method") or "GET").upper(), req.get("form")
        parts = urlsplit(url)
        feed: dict[str, Any]
        if parts.scheme not in ("http", "https") or _STATIC.search(parts.path) \
                or _NOT_A_LIST.search(parts.path) or url.split("#", 1)[0] == page_url.split("#", 1)[0]:
            continue
        if method == "GET":
            query = _mark_page(parts.query)
            if query is None:
                continue
            feed = {"url": parts._replace(query=query, fragment="").geturl(), "method": "GET", "form": []}
        elif method == "POST" and form is not None:
            fields = [(str(k), PAGE if str(v) == "1" and is_page_name(str(k)) else str(v)) for k, v in form]
            if not any(v == PAGE for _, v in fields):
                continue
            feed = {"url": parts._replace(fragment="").geturl(), "method": "POST", "form": fields}
        else:
            continue
        key = (feed["url"], feed["method"], json.dumps(feed["form"]))
        if key not in seen:
            seen.add(key)
            found.append({**feed, "page": 1, "base": page_url})
    found.sort(key=lambda f: not _LISTISH.search(urlsplit(f["url"]).path))
    return found[:MAX_FEEDS]


def _has_page(feed: dict[str, Any]) -> bool:
    return PAGE in feed["url"] or any(PAGE in v for _, v in feed["form"])


def feed_request(feed: dict[str, Any]) -> tuple[str, str, list[tuple[str, str]]]:
    """(url, method, form data) of a feed at its page number."""
    page = str(feed.get("page") or 1)
    return (feed["url"].replace(PAGE, page), feed["method"],
            [(k, v.replace(PAGE, page)) for k, v in feed.get("form") or ()])


def next_feed(feed: dict[str, Any], entries: int, total_pages: int | None, total_records: int | None,
              seen: int) -> dict[str, Any] | None:
    """The feed's next page, when it has a page number, the page read gave new entries (`entries`) and the answer
    does not say it was the last (its page count, or its record count against the entries seen so far)."""
    if not _has_page(feed) or entries == 0:
        return None
    page = int(feed.get("page") or 1)
    if total_pages is not None and page >= total_pages:
        return None
    if total_records is not None and seen >= total_records:
        return None
    return {**feed, "page": page + 1}


# ---------------------------------------------------------------------------------------- answers

_TITLE_KEYS = re.compile(r"^(?:title|name|subject|topic|headline|biaoti|bt|text|label)$|title$|titlename$|^doc_?title|"
                         r"^info_?title|^article_?title", re.IGNORECASE)
_URL_KEYS = re.compile(r"url|link|href|path|address|^src$", re.IGNORECASE)
_DATE_KEYS = re.compile(r"date|time|^rq$|rq$|sj$|^day$|^pub|publish|release|reltime|created?|modif|update|issue",
                        re.IGNORECASE)
# which of several dates is the publication date: lower is better
_DATE_RANK = (
    (re.compile(r"pub|publish|release|reltime|fbrq|fbsj|fabu|issue|send|show|doc_?date|^date$|^rq$", re.I), 0),
    (re.compile(r"date|rq$|sj$|^day$", re.I), 1),
    (re.compile(r"time", re.I), 2),
    (re.compile(r"creat|add|input|crtime", re.I), 3),
    (re.compile(r"modif|update|edit|last", re.I), 4),
)
_PINNED_KEYS = re.compile(r"^(?:is_?top|top|istop|zhiding|sticky|is_?sticky|totop)$", re.IGNORECASE)
_TOTAL_PAGES_KEYS = re.compile(r"^(?:total_?pages?|pages|page_?count|pagetotal|totalpagenum|maxpage|pagecounts)$",
                               re.IGNORECASE)
_TOTAL_RECORDS_KEYS = re.compile(r"^(?:total|totalcount|total_?records?|record_?count|totalnum|total_?elements|"
                                 r"totalrow|totalrows|count|totalsize|rowcount|recordcount)$", re.IGNORECASE)
_LIST_KEYS = re.compile(r"^(?:list|rows|data|datas|records|items|result|results|content|infos|articles|docs|"
                        r"datalist|list_?data|page_?list|record_?list|info_?list|article_?list)$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,400}>")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.DOTALL)
_DATE_ONLY = re.compile(r"^[\d\s\-/.:年月日时分秒TZ+]{6,30}$")
_CHINA = dt.timezone(dt.timedelta(hours=8))
_LINKISH = re.compile(r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|jsp|aspx?|php|shtml|jhtml)(?:$|[?#])", re.IGNORECASE)


def parse_answer(text: str) -> Any:
    """The JSON an endpoint answered (a JSONP wrapper and anti-hijacking prefixes removed); None if not JSON."""
    text = text.lstrip("\ufeff").strip()
    for prefix in ("while(1);", "for(;;);", ")]}',", ")]}'"):
        if text.startswith(prefix):
            text = text[len(prefix):].lstrip()
    if not text or text[0] not in "[{":
        m = _JSONP.match(text)
        if m is None:
            return None
        text = m.group(1)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past what the parser will follow
        return None


def _clean_text(value: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub("", value)).strip()


def _epoch_date(value: float) -> dt.date | None:
    if 1e11 <= value < 4.1e12:
        value /= 1000.0
    elif not 3e8 <= value < 4.1e9:
        return None
    try:
        return dt.datetime.fromtimestamp(value, _CHINA).date()
    except (OverflowError, OSError, ValueError):
        return None


def _date_of(key: str, value: Any, asof: dt.date) -> tuple[dt.date | None, str]:
    """A record field read as a date: (date, text as written)."""
    if isinstance(value, bool):
        return None, ""
    if isinstance(value, int | float):
        return (_epoch_date(float(value)), str(value)) if _DATE_KEYS.search(key) else (None, "")
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None, ""
    text = value.strip()
    if text.isdigit() and len(text) in (10, 13) and _DATE_KEYS.search(key):
        return _epoch_date(float(text)), text
    if text.isdigit() and len(text) == 8:  # 20240501
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if _LINKISH.search(text) or not (_DATE_KEYS.search(key) or _DATE_ONLY.match(text)):
        return None, ""  # a link or a sentence that mentions a date, not a date field
    found = dates.parse_date(text, asof)
    return (found, value.strip()) if found is not None else (None, "")


def _date_rank(key: str) -> int:
    for pattern, rank in _DATE_RANK:
        if pattern.search(key):
            return rank
    return 5


def _record(rec: dict[str, Any], asof: dt.date) -> tuple[str, str, dt.date | None, str, bool] | None:
    """(title, link, date, date text, pinned) of one record; None when it has no title."""
    title = link = ""
    best_title = ""
    found: list[tuple[int, dt.date, str]] = []
    pinned = False
    for key, value in rec.items():
        if not isinstance(key, str):
            continue
        if _PINNED_KEYS.match(key):
            pinned = value in (1, True, "1", "true", "Y", "y", "是")
            continue
        date, text = _date_of(key, value, asof)
        if date is not None:
            found.append((_date_rank(key), date, text))
            continue
        if not isinstance(value, str):
            continue
        if _URL_KEYS.search(key) and _LINKISH.search(value.strip()) and not link:
            link = value.strip()
        elif _TITLE_KEYS.search(key) and not title and _clean_text(value):
            title = _clean_text(value)
        elif _CJK.search(value) and len(value) <= 300 and not _LINKISH.search(value.strip()):
            text = _clean_text(value)
            if len(text) > len(best_title):
                best_title = text
    title = title or best_title
    if not title:
        return None
    found.sort(key=lambda f: f[0])
    date, text = (found[0][1], found[0][2]) if found else (None, "")
    return title[:300], link, date, text, pinned


def _lists(node: Any, depth: int = 0, key: str = "") -> Iterator[tuple[str, list[Any], Any]]:
    """Every list in the answer with its key and the object holding it."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, list):
                yield str(k), v, node
            if isinstance(v, dict | list):
                yield from _lists(v, depth + 1, str(k))
    elif isinstance(node, list):
        if depth == 0:
            yield key, node, None
        for v in node[:_MAX_RECORDS_SCAN]:
            if isinstance(v, dict):
                yield from _lists(v, depth + 1, key)


def _count(holder: Any, answer: Any, pattern: re.Pattern[str]) -> int | None:
    for obj in (holder, answer, answer.get("data") if isinstance(answer, dict) else None,
                answer.get("page") if isinstance(answer, dict) else None,
                answer.get("pager") if isinstance(answer, dict) else None):
        if not isinstance(obj, dict):
            continue
        for k, v in obj.items():
            if isinstance(k, str) and pattern.match(k):
                try:
                    return int(v)
                except (TypeError, ValueError):
                    continue
    return None


def read_records(answer: Any, asof: dt.date) -> tuple[list[tuple[str, str, dt.date | None, str, bool]], bool,
                                                       int | None, int | None]:
    """The list records of a JSON answer: (records, understood, total pages, total records). `understood`: a
    list of records was found (possibly empty, under a list key); False when the answer holds no list at all."""
    best: list[tuple[str, str, dt.date | None, str, bool]] = []
    best_key = (0, 0)
    holder: Any = None
    empty_list_seen = False
    for key, items, parent in _lists(answer):
        if not items:
            empty_list_seen = empty_list_seen or bool(_LIST_KEYS.match(key)) or parent is None
            continue
        dicts = [i for i in items[:1000] if isinstance(i, dict)]
        if not dicts:
            continue
        records = [r for r in (_record(d, asof) for d in dicts) if r is not None]
        dated = sum(1 for r in records if r[2] is not None)
        score = (dated, len(records))
        if score > best_key:
            best, best_key, holder = records, score, parent
    if best:
        return best, True, _count(holder, answer, _TOTAL_PAGES_KEYS), _count(holder, answer, _TOTAL_RECORDS_KEYS)
    return [], empty_list_seen, None, _count(answer, answer, _TOTAL_RECORDS_KEYS)


def html_parts(answer: Any) -> list[str]:
    """Strings of a JSON answer that are HTML lists (an endpoint that answers rendered rows), longest first."""
    found: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(node, str) and ("<li" in node or "<a " in node or "<tr" in node):
            found.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v, depth + 1)
        elif isinstance(node, list):
            for v in node[:_MAX_RECORDS_SCAN]:
                walk(v, depth + 1)

    walk(answer, 0)
    return sorted(found, key=len, reverse=True)


def read_feed(body: bytes, charset: str | None, feed: dict[str, Any], asof: dt.date,
              fetched: dt.datetime | None = None) -> tuple[Any, bool]:
    """The list a feed answered, as a `ListPage` (links resolved against the page that asked for it), and
    whether the answer was understood: a list of records (possibly empty) or an HTML fragment with entries.
    Not understood: the caller renders the page instead."""
    from govaudit.extract.listpage import Entry, ListPage, extract_list

    base = feed.get("base") or feed["url"]
    text, _ = decode_html(body, charset)
    answer = parse_answer(text)
    if answer is None:
        if "<" not in text:
            return ListPage(asof=asof, cms="feed", blank=True), False
        page = extract_list(text.encode("utf-8"), base, "utf-8", asof, fetched=fetched)
        page.cms, page.next_pages, page.subcolumns, page.needs_render = "feed", [], [], False
        return page, bool(page.entries)
    records, understood, total_pages, total_records = read_records(answer, asof)
    if not records:
        for fragment in html_parts(answer)[:1]:
            page = extract_list(fragment.encode("utf-8"), base, "utf-8", asof, fetched=fetched)
            if page.entries:
                page.cms, page.next_pages, page.subcolumns, page.needs_render = "feed", [], [], False
                return page, True
    number = int(feed.get("page") or 1)
    entries = [
        Entry(title=title, url=join_url(base, link) if link else f"{feed_request(feed)[0]}#{number}-{i}",
              date=date, date_source="text" if date is not None else "", date_text=date_text, pinned=pinned)
        for i, (title, link, date, date_text, pinned) in enumerate(records)
    ]
    page = ListPage(entries=entries, asof=asof, cms="feed", blank=not entries, total_pages=total_pages,
                    total_records=total_records, fetched=fetched)
    return page, understood
