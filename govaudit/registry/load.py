"""Load a site registry from CSV (UTF-8, UTF-8 with BOM, GB18030), XLSX or YAML.

Bad rows are reported with their row number and skipped; a file that cannot be read raises
RegistryError naming the file, before any request is made. YAML and XLSX are read within FileLimits
(no YAML aliases, bounded nesting, rows, columns and merged-range area: govaudit.registry.safeload).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from govaudit.registry.model import KINDS, Registry, RegistryError, RowError, Site
from govaudit.registry.safeload import FileLimits, UnsafeInput, load_yaml, xlsx_rows

# header (English or Chinese, as exported by the national government website information system) -> field
HEADERS: dict[str, str] = {
    "site_id": "site_id", "网站标识码": "site_id", "标识码": "site_id",
    "name": "name", "网站名称": "name",
    "url": "url", "首页网址": "url", "网址": "url", "网站地址": "url", "首页地址": "url",
    "organizer": "organizer", "主办单位": "organizer",
    "region": "region", "所属地区": "region", "地区": "region", "所属市(地)": "region",
    "level": "level", "级别": "level", "网站级别": "level", "层级": "level",
    "kind": "kind", "类型": "kind", "网站类型": "kind", "网站类别": "kind",
    "status": "status", "状态": "status", "运行状态": "status", "网站状态": "status",
    "has_services": "has_services", "对外服务职能": "has_services", "有无对外服务": "has_services",
    "hosts": "hosts", "其他域名": "hosts", "关联域名": "hosts", "其他网址": "hosts",
}
STATUS_WORDS: dict[str, str] = {
    "running": "running", "正常运行": "running", "运行": "running", "正常": "running", "在线": "running",
    "offline-temporary": "offline-temporary", "临时下线": "offline-temporary", "暂时下线": "offline-temporary",
    "offline-permanent": "offline-permanent", "永久下线": "offline-permanent", "已关停": "offline-permanent",
    "关停": "offline-permanent", "下线": "offline-permanent",
}
KIND_WORDS: dict[str, str] = {
    "portal": "portal", "门户": "portal", "政府门户网站": "portal", "门户网站": "portal",
    "department": "department", "部门": "department", "部门网站": "department", "其他": "department",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无"}
REQUIRED = ("site_id", "name", "url")
MAX_HOSTS = 20  # further hosts one registry row may name
_HOST_SPLIT = re.compile(r"[\s,;，；、|]+")


def load_registry(path: str | Path, limits: FileLimits | None = None) -> Registry:
    """The registry in ``path``; ``limits`` default to the settings' defaults (FileLimits.from_settings)."""
    p = Path(path)
    limits = limits or FileLimits()
    if not p.is_file():
        raise RegistryError(f"registry file {p}: not found or not a file")
    suffix = p.suffix.lower()
    try:
        if p.stat().st_size > limits.max_bytes:
            raise UnsafeInput(f"{p.stat().st_size} bytes, more than the limit of {limits.max_bytes} "
                              f"(GOVAUDIT_INPUT_MAX_BYTES)")
        if suffix in {".yaml", ".yml"}:
            return _load_yaml(p, limits)
        if suffix in {".xlsx", ".xlsm"}:
            return rows_to_registry(str(p), xlsx_rows(p, limits))
        return rows_to_registry(str(p), _csv_rows(p))
    except RegistryError:
        raise
    except UnsafeInput as exc:
        raise RegistryError(f"registry file {p}: refused: {exc}") from None
    except Exception as exc:  # an unreadable file must fail clearly, naming the file
        raise RegistryError(f"registry file {p}: cannot be read: {exc}") from exc


def _decode(raw: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RegistryError(f"registry file {path}: neither UTF-8 nor GB18030 text")


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    text = _decode(path.read_bytes(), path)
    if "\x00" in text:
        raise RegistryError(f"registry file {path}: binary data, not a CSV file")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


def _find_header(rows: Iterable[tuple[int, list[str]]], source: str) -> tuple[dict[int, str], Iterator]:
    it = iter(rows)
    for row_no, row in it:
        mapping: dict[int, str] = {}
        for idx, cell in enumerate(row):
            key = HEADERS.get(cell.strip().lower()) or HEADERS.get(cell.strip())
            if key and key not in mapping.values():
                mapping[idx] = key
        if mapping:
            missing = [f for f in REQUIRED if f not in mapping.values()]
            if missing:
                raise RegistryError(
                    f"registry file {source}: header on row {row_no} lacks column(s) {', '.join(missing)} "
                    f"(accepted: site_id/网站标识码, name/网站名称, url/首页网址)"
                )
            return mapping, it
        if any(c.strip() for c in row) and row_no > 5:
            break
    raise RegistryError(f"registry file {source}: no header row with site_id/网站标识码, name/网站名称, url/首页网址")


def normalise_url(raw: str) -> str | None:
    url = raw.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url  # exported registries often omit the scheme
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    if not parts.path:
        url += "/"
    return url


def normalise_host(raw: str) -> str | None:
    """``host`` or ``host:port`` (lower case, IDNA) from a host, host:port or URL; None when it is none."""
    value = raw.strip().strip("/")
    if not value:
        return None
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"}:
        return None
    try:
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host or len(host) > 253 or any(c in host for c in "@ \\"):
        return None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def parse_hosts(raw: Any) -> tuple[list[str], list[str]]:
    """(hosts, bad values) from a registry cell ("a.gov.cn; xxgk.a.gov.cn:8080") or a YAML list."""
    items = raw if isinstance(raw, list) else _HOST_SPLIT.split(str(raw or ""))
    hosts: list[str] = []
    bad: list[str] = []
    for item in items:
        if not str(item).strip():
            continue
        host = normalise_host(str(item))
        if host is None:
            bad.append(str(item))
        elif host not in hosts:
            hosts.append(host)
    return hosts, bad


def rows_to_registry(source: str, rows: Iterable[tuple[int, list[str]]]) -> Registry:
    mapping, rest = _find_header(rows, source)
    sites: list[Site] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row_no, row in rest:
        if not any(c.strip() for c in row):
            continue  # empty rows are not errors
        rec = {field: (row[idx].strip() if idx < len(row) else "") for idx, field in mapping.items()}
        site, err = _make_site(rec, row_no)
        if err:
            errors.append(err)
            continue
        assert site is not None
        if site.site_id in seen:
            errors.append(RowError(row_no, f"duplicate site_id, first seen on row {seen[site.site_id]}", site.site_id))
            continue
        seen[site.site_id] = row_no
        sites.append(site)
    return Registry(source=source, sites=sites, errors=errors)


def _make_site(rec: dict[str, str], row_no: int) -> tuple[Site | None, RowError | None]:
    site_id = rec.get("site_id", "").strip()
    if site_id.endswith(".0") and site_id[:-2].isdigit():
        site_id = site_id[:-2]  # spreadsheets turn numeric ids into floats
    if not site_id:
        return None, RowError(row_no, "missing site_id (网站标识码)")
    if not rec.get("name"):
        return None, RowError(row_no, "missing name (网站名称)", site_id)
    raw_url = rec.get("url", "")
    if not raw_url:
        return None, RowError(row_no, "missing url (首页网址)", site_id)
    url = normalise_url(raw_url)
    if url is None:
        return None, RowError(row_no, f"not an http(s) URL: {raw_url!r}", site_id)
    status_raw = rec.get("status", "").strip() or "running"
    status = STATUS_WORDS.get(status_raw.lower()) or STATUS_WORDS.get(status_raw)
    if status is None:
        return None, RowError(row_no, f"unknown status {status_raw!r} (running/offline-temporary/offline-permanent)", site_id)
    kind_raw = rec.get("kind", "").strip()
    kind = KIND_WORDS.get(kind_raw.lower()) or KIND_WORDS.get(kind_raw) if kind_raw else None
    if kind is None:
        kind = "portal" if "门户" in rec.get("name", "") or "人民政府" in rec.get("name", "") else "department"
    if kind not in KINDS:
        return None, RowError(row_no, f"unknown kind {kind_raw!r}", site_id)
    services_raw = rec.get("has_services", "").strip().lower()
    has_services = services_raw not in FALSE_WORDS
    hosts, bad_hosts = parse_hosts(rec.get("hosts", ""))
    if bad_hosts:
        return None, RowError(row_no, f"not a host name: {bad_hosts[0]!r} (hosts: a.gov.cn; b.gov.cn:8080)", site_id)
    if len(hosts) > MAX_HOSTS:
        return None, RowError(row_no, f"more than {MAX_HOSTS} further hosts", site_id)
    return Site(
        site_id=site_id, name=rec["name"], url=url, organizer=rec.get("organizer", ""),
        region=rec.get("region", ""), level=rec.get("level", ""), kind=kind, status=status,
        has_services=has_services, hosts=hosts,
    ), None


def _load_yaml(path: Path, limits: FileLimits) -> Registry:
    try:
        doc = load_yaml(path, limits)
    except UnsafeInput as exc:
        raise RegistryError(f"registry file {path}: refused: {exc}") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry file {path}: invalid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise RegistryError(f"registry file {path}: expected a mapping with 'sites' and/or 'csv' and 'overrides'")
    if "csv" in doc:
        base = load_registry(path.parent / str(doc["csv"]), limits)
        sites, errors = base.sites, list(base.errors)
    else:
        raw_sites = doc.get("sites") or []
        if not isinstance(raw_sites, list):
            raise RegistryError(f"registry file {path}: 'sites' must be a list")
        fields = list(HEADERS.values())
        header = list(dict.fromkeys(fields))
        rows: list[tuple[int, list[str]]] = [(0, header)]
        for i, entry in enumerate(raw_sites, start=1):
            if not isinstance(entry, dict):
                rows.append((i, [""] * len(header)))
                continue
            rows.append((i, [_cell(entry.get(f)) for f in header]))
        reg = rows_to_registry(str(path), rows)
        sites, errors = reg.sites, reg.errors
        for entry in raw_sites:
            if isinstance(entry, dict) and isinstance(entry.get("overrides"), dict):
                for s in sites:
                    if s.site_id == str(entry.get("site_id")):
                        s.overrides.update(entry["overrides"])
    overrides = doc.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise RegistryError(f"registry file {path}: 'overrides' must map site_id -> settings")
    by_id = {s.site_id: s for s in sites}
    for sid, ov in overrides.items():
        if str(sid) not in by_id:
            errors.append(RowError(0, f"override for unknown site_id {sid}", str(sid)))
            continue
        if not isinstance(ov, dict):
            errors.append(RowError(0, "override must be a mapping", str(sid)))
            continue
        by_id[str(sid)].overrides.update(ov)
    return Registry(source=str(path), sites=sites, errors=errors)


def _cell(value: Any) -> str:
    """A YAML value as a registry cell (a list of hosts is joined)."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value or "")
