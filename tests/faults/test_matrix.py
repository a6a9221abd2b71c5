"""The fault suite (issue 10, "Done when"): hostile sites served on loopback and hostile operator files, each
a row of the matrix printed at the end of the run. Every crawl row also asserts that no host outside the
site's scope received a single request.

Loopback only: the "internal" host a hostile site points at is another 127.0.0.x address (a loopback
destination the registry does not name), never a real private or metadata address."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .matrix import ROOT, Fault, Measured, crawl, record, run_watched
from .servers import HostileSite, page, rate_limited, redirect

SITE_HOST, INTERNAL_HOST = "127.0.0.2", "127.0.0.3"
SECRET = "内部系统-不应出现"


def _internal() -> HostileSite:
    return HostileSite(INTERNAL_HOST, {"/": page(f"<title>{SECRET}</title>"),
                                       "/titles": page(f"<title>{SECRET}</title><ul><li>{SECRET}</li></ul>")})


def _site(routes: dict[str, Any]) -> HostileSite:
    return HostileSite(SITE_HOST, routes)


def _registry(site: HostileSite, **extra: Any) -> list[dict[str, Any]]:
    return [{"site_id": "F1", "name": "故障测试网站", "url": site.base + "/", **extra}]


def _by_kind(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in result["outcomes"] if o["kind"] == kind]


def _measured(result: dict[str, Any], peak: float, outcome: str, ok: bool, **details: Any) -> Measured:
    stats = result["stats"]
    return Measured(outcome=outcome, ok=ok, requests=int(stats.get("downloader/request_count", 0)),
                    bytes_read=int(stats.get("downloader/response_bytes", 0)), peak_rss_mb=peak, details=details)


def _no_secret(result: dict[str, Any]) -> bool:
    return SECRET not in json.dumps(result["outcomes"], ensure_ascii=False)


# --- crawl faults -----------------------------------------------------------------------------------------
def redirect_offsite(tmp: Path) -> Measured:
    with _internal() as internal, _site({"/": redirect(internal.base + "/titles")}) as site:
        result, peak, _log = crawl(tmp, _registry(site))
    (home,) = _by_kind(result, "home")
    ok = home["outcome"] == "blocked:redirect-offsite" and internal.total_hits == 0 and _no_secret(result)
    return _measured(result, peak, f"home {home['outcome']}; internal host hits {internal.total_hits}", ok)


def redirect_private(tmp: Path) -> Measured:
    """A link check may leave the site, but a redirect into a loopback/private address is not followed."""
    with _internal() as internal:
        routes = {"/": page('<title>首页</title><img src="/go">'), "/go": redirect(internal.base + "/")}
        with _site(routes) as site:
            result, peak, _log = crawl(tmp, _registry(site))
    (link,) = _by_kind(result, "link")
    ok = link["outcome"] == "blocked:redirect-private-address" and internal.total_hits == 0
    return _measured(result, peak, f"link check {link['outcome']}; internal host hits {internal.total_hits}", ok)


def file_link_in_pager(tmp: Path) -> Measured:
    routes = {"/": page(f'<title>首页</title><div class="page"><a href="file://{SITE_HOST}/etc/passwd">下一页</a>'
                        f'<a href="file:///etc/hostname">尾页</a></div>')}
    with _site(routes) as site:
        result, peak, _log = crawl(tmp, _registry(site))
    pager = _by_kind(result, "content")
    text = json.dumps(result, ensure_ascii=False)
    ok = len(pager) == 2 and all(o["outcome"] == "blocked:scheme" for o in pager) and "root:x:0:0" not in text
    return _measured(result, peak, ", ".join(sorted({o["outcome"] for o in pager})) + "; no local file read", ok)


def meta_refresh_offsite(tmp: Path) -> Measured:
    with _internal() as internal:
        routes = {"/": page(f'<html><head><meta http-equiv="refresh" content="0;url={internal.base}/titles">'
                            f'</head><body>跳转中</body></html>')}
        with _site(routes) as site:
            result, peak, _log = crawl(tmp, _registry(site))
    (home,) = _by_kind(result, "home")
    ok = home["outcome"] == "blocked:offsite" and internal.total_hits == 0 and _no_secret(result)
    return _measured(result, peak, f"home {home['outcome']}; internal host hits {internal.total_hits}", ok)


def unnamed_loopback_link(tmp: Path) -> Measured:
    """An <a> of the site pointing at another loopback host (as an intranet link would)."""
    with _internal() as internal:
        routes = {"/": page(f'<title>首页</title><a href="{internal.base}/titles">内部</a>'
                            f'<img src="{internal.base}/">')}
        with _site(routes) as site:
            result, peak, _log = crawl(tmp, _registry(site))
    outs = sorted(o["outcome"] for o in result["outcomes"] if o["kind"] != "home")
    ok = outs == ["blocked:offsite", "blocked:private-address"] and internal.total_hits == 0
    return _measured(result, peak, "; ".join(outs) + f"; internal host hits {internal.total_hits}", ok)


def registry_named_second_host(tmp: Path) -> Measured:
    """The registry's `hosts` names the 信息公开 platform on another (loopback) host: in scope."""
    with _internal() as platform:
        platform.routes["/xxgk/"] = page("<title>信息公开目录</title>")
        routes = {"/": page(f'<title>首页</title><a href="{platform.base}/xxgk/">信息公开</a>')}
        with _site(routes) as site:
            result, peak, _log = crawl(tmp, _registry(site, hosts=[f"{INTERNAL_HOST}:{platform.port}"]))
    (col,) = _by_kind(result, "content")
    ok = col["outcome"] == "fetched" and col["title"] == "信息公开目录" and platform.hits["/xxgk/"] == 1
    return _measured(result, peak, f"column {col['outcome']} ({col['title']})", ok)


def rate_limited_then_ok(tmp: Path) -> Measured:
    routes = {"/": rate_limited(3, "1", page("<title>首页</title>"))}
    with _site(routes) as site:
        result, peak, _log = crawl(tmp, _registry(site))
        hits = site.hits["/"]
    (home,) = _by_kind(result, "home")
    ok = home["outcome"] == "fetched" and home["status"] == 200 and home["tries"] == 3 and hits == 4
    return _measured(result, peak, f"home {home['outcome']} after {home['tries']} waits of Retry-After", ok)


def rate_limited_budget_spent(tmp: Path) -> Measured:
    routes = {"/": page('<title>首页</title><img src="/a.pdf">'),
              "/a.pdf": rate_limited(10**6, "1", page("never"))}
    with _site(routes) as site:
        result, peak, _log = crawl(tmp, _registry(site), settings={"GOVAUDIT_RATE_LIMIT_TRIES": "2"})
    (link,) = _by_kind(result, "link")
    ok = (link["outcome"] == "rate-limited" and link["status"] == 429
          and link["rate_limited"]["tries"] == 2 and "error" not in link["outcome"])
    return _measured(result, peak, f"link {link['outcome']} (HTTP {link['status']}, {link['rate_limited']['tries']} "
                                   f"tries) -- not a broken link", ok)


# --- rendering faults (Chromium) --------------------------------------------------------------------------
def _render_site(routes: dict[str, Any], tmp: Path, target: str = "/col.html") -> tuple[dict[str, Any], float]:
    routes = {"/": page(f'<title>首页</title><a data-render href="{target}">栏目</a>'), **routes}
    with _site(routes) as site:
        result, peak, _log = crawl(tmp, _registry(site), timeout=240)
    return result, peak


def rendered_script_leaves_site(tmp: Path) -> Measured:
    with _internal() as internal:
        hostile = (f'<title>通知公告</title><ul id="list"></ul><script>'
                   f'fetch("{internal.base}/titles").catch(function(){{}});'
                   f'var i = document.createElement("img"); i.src = "http://localhost:{internal.port}/x.gif";'
                   f'setTimeout(function(){{ location.href = "{internal.base}/titles"; }}, 10);'
                   f'</script>')
        result, peak = _render_site({"/col.html": page(hostile)}, tmp)
    (col,) = _by_kind(result, "render")
    aborted = col.get("aborted") or []
    # a visitor would have left the site: the render is dropped as out of scope, naming where it went
    ok = (internal.total_hits == 0 and _no_secret(result) and col["outcome"] == "blocked:rendered-offsite"
          and f"{internal.base}/titles" in col["message"] and any(internal.base in a for a in aborted))
    return _measured(result, peak, f"render {col['outcome']}; {len(aborted)} page requests aborted; "
                                   f"internal host hits {internal.total_hits}", ok)


def rendered_allocation_bomb(tmp: Path) -> Measured:
    bomb = ('<title>栏目</title><ul><li><a href="/a/1.html">一</a><span>2026-11-01</span></li></ul><script>'
            'var a = []; try { while (true) { var b = new Uint8Array(5e7); b.fill(1); a.push(b); } }'
            ' catch (e) { document.title = "stopped"; }</script>')
    result, peak = _render_site({"/col.html": page(bomb)}, tmp)
    (col,) = _by_kind(result, "render")
    ok = result["reason"] == "finished" and peak < 3000
    return _measured(result, peak, f"render {col['outcome']} ({col.get('title') or col.get('message', '')[:40]}); "
                                   f"memory capped", ok)


def rendered_download(tmp: Path) -> Measured:
    routes = {"/report.zip": page(b"PK\x03\x04" + b"x" * 200_000, **{
        "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="a.zip"'})}
    result, peak = _render_site(routes, tmp, target="/report.zip")
    (col,) = _by_kind(result, "render")
    ok = col["outcome"].startswith("error:") and not col.get("body")
    return _measured(result, peak, f"render {col['outcome']} -- download refused", ok)


# --- operator input faults ----------------------------------------------------------------------------------
def _python(tmp: Path, code: str) -> tuple[int, str, float]:
    return run_watched([sys.executable, "-c", code], timeout=120)


def alias_bomb_registry(tmp: Path) -> Measured:
    bomb = tmp / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("sites: [*i]")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, peak = _python(tmp, "from govaudit.registry import load_registry, RegistryError\n"
                                   f"try:\n    load_registry({str(bomb)!r})\nexcept RegistryError as e:\n    print(e)")
    ok = code == 0 and "YAML aliases are not accepted" in out and peak < 300
    return Measured(f"refused ({bomb.stat().st_size} bytes): aliases not accepted", ok, peak_rss_mb=peak)


def oversize_xlsx(tmp: Path) -> Measured:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["网站标识码", "网站名称", "首页网址"])
    ws.append(["X1", "某局", "http://x.gov.cn/"])
    plain = tmp / "plain.xlsx"
    wb.save(plain)
    path = tmp / "big.xlsx"  # the same sheet with one merged range of 17 billion cells, in a few KB
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>",
                                    b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')
            dst.writestr(item, data)
    code, out, peak = _python(tmp, "from govaudit.registry import load_registry, RegistryError\n"
                                   f"try:\n    load_registry({str(path)!r})\nexcept RegistryError as e:\n    print(e)")
    ok = code == 0 and "refused" in out and peak < 300
    return Measured(f"refused ({path.stat().st_size} bytes): " + out.strip().split("refused: ")[-1][:60], ok,
                    peak_rss_mb=peak)


def deep_findings_file(tmp: Path) -> Measured:
    path = tmp / "findings.yaml"
    path.write_text("findings: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code, out, peak = run_watched([sys.executable, "-m", "scrapy", "findings", "import", str(path)],
                                  env={"GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp / 'f.sqlite'}"}, timeout=120)
    ok = code == 1 and "nested deeper than" in out and "Traceback" not in out
    return Measured("exit 1, one line: " + out.strip().splitlines()[-1][-60:], ok, peak_rss_mb=peak)


FAULTS: list[Fault] = [
    Fault("home redirects to another host", "redirect not followed", redirect_offsite),
    Fault("link redirects to loopback/private", "redirect not followed", redirect_private),
    Fault("file:// links in a pager", "never requested, no local file read", file_link_in_pager),
    Fault("meta refresh to another host", "refresh not followed", meta_refresh_offsite),
    Fault("links to an unnamed loopback host", "not requested", unnamed_loopback_link),
    Fault("信息公开 on a registry-named host", "in scope, fetched", registry_named_second_host),
    Fault("429 + Retry-After, 3 times", "waited, then fetched", rate_limited_then_ok),
    Fault("429 forever on a link", "recorded rate limited", rate_limited_budget_spent),
    Fault("rendered script: fetch/img/location.href to another host", "aborted, nothing of it kept",
          rendered_script_leaves_site, browser=True),
    Fault("rendered JS allocation bomb (ArrayBuffers)", "memory capped, crawl finishes", rendered_allocation_bomb,
          browser=True),
    Fault("rendered link starts a download", "download refused", rendered_download, browser=True),
    Fault("YAML alias bomb registry", "refused, small memory", alias_bomb_registry),
    Fault("XLSX with a 17e9-cell merge", "refused, small memory", oversize_xlsx),
    Fault("findings file nested 100000 deep", "clear error, exit 1", deep_findings_file),
]


@pytest.mark.slow
@pytest.mark.parametrize("fault", [pytest.param(f, marks=[pytest.mark.browser] if f.browser else [])
                                   for f in FAULTS], ids=[f.name for f in FAULTS])
def test_fault(fault: Fault, tmp_path: Path) -> None:
    if fault.browser and not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    measured = fault.run(tmp_path)
    record(fault, measured)
    assert measured.ok, f"{fault.name}: expected {fault.expect}, recorded {measured.outcome} {measured.details}"


def test_root_is_the_project() -> None:
    assert (ROOT / "scrapy.cfg").exists()
