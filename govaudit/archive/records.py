"""From one fetch to its WARC records and index rows.

* a plain fetch: a `response` record (status line, headers and the body as received: still compressed
  when the server compressed it) and its `request` record (WARC-Concurrent-To the response);
* a body already archived in this run (same payload digest): a `revisit` record (identical-payload-digest
  profile, WARC-Refers-To the first record) instead of the response, with its own headers;
* a body over the size limit: the response's headers only, `WARC-Truncated: length`;
* a rendered page (scrapy-playwright's DOM after scripts): a `conversion` record referring to the
  response record of the same URL when this process archived one, naming the data requests the browser made
  for it (`Govaudit-Render-Requests`, JSON)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections import OrderedDict
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

from govaudit.archive.fetch import RENDER_REQUESTS_HEADER, Fetch
from govaudit.archive.warcfile import WarcFiles


def payload_digest(body: bytes) -> str:
    """The WARC payload digest (sha1, base32), as WARC-Payload-Digest writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _request_line(fetch: Fetch) -> str:
    parts = urlsplit(fetch.request_url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{fetch.method} {target} HTTP/1.1"


class _Lru(OrderedDict[str, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


class FetchArchiver:
    """Writes fetches into a run's WarcFiles; returns the `archive_records` rows (without run_id)."""

    def __init__(self, files: WarcFiles, *, max_body: int, dedup_size: int = 200_000) -> None:
        self.files = files
        self.max_body = max_body
        self._by_digest = _Lru(dedup_size)  # digest -> (record id, url, WARC date)
        self._by_url = _Lru(4096)  # url -> record id of its last response record (a render refers to it)
        self.counts: dict[str, int] = {}

    def archive(self, fetch: Fetch) -> list[dict[str, Any]]:
        b = self.files.builder
        date = datetime_to_iso_date(fetch.fetched_at, use_micros=True)
        ctype = fetch.header("Content-Type")
        digest = payload_digest(fetch.body)
        base = {"site_id": fetch.site_id, "url": fetch.url, "method": fetch.method, "status": fetch.status,
                "digest": digest, "size": len(fetch.body), "content_type": ctype[:200],
                "fetched_at": fetch.fetched_at}
        warc_headers: dict[str, str] = {"WARC-Date": date}
        if fetch.ip_address:
            warc_headers["WARC-IP-Address"] = fetch.ip_address
        truncated = len(fetch.body) > self.max_body
        if fetch.rendered:
            return [self._conversion(fetch, base, truncated, warc_headers, ctype)]
        http = StatusAndHeaders(f"{fetch.status} {_reason(fetch.status)}", list(fetch.headers), protocol="HTTP/1.1")
        seen = self._by_digest.get(digest) if fetch.body and not truncated else None
        if seen is not None:
            kind = "revisit"
            rid, ref_url, ref_date = seen
            record = b.create_revisit_record(fetch.url, digest, ref_url, ref_date, http_headers=http,
                                             warc_headers_dict={**warc_headers, "WARC-Refers-To": rid})
        elif truncated:
            kind = "truncated"
            record = b.create_warc_record(fetch.url, "response", payload=io.BytesIO(b""), length=0,
                                          http_headers=http,
                                          warc_headers_dict={**warc_headers, "WARC-Truncated": "length"})
        else:
            kind = "response"
            record = b.create_warc_record(fetch.url, "response", payload=io.BytesIO(fetch.body),
                                          length=len(fetch.body), http_headers=http,
                                          warc_headers_dict={**warc_headers, "WARC-Payload-Digest": digest})
        rid = record.rec_headers.get_header("WARC-Record-ID")
        req_http = StatusAndHeaders(_request_line(fetch), [("Host", urlsplit(fetch.request_url).netloc),
                                                           *fetch.request_headers],
                                    is_http_request=True, protocol="")
        request = b.create_warc_record(fetch.request_url, "request", payload=io.BytesIO(fetch.request_body),
                                       length=len(fetch.request_body), http_headers=req_http,
                                       warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": rid})
        (name, offset, length), _ = self.files.write([record, request])
        if kind == "response" and fetch.body:
            self._by_digest.put(digest, (rid, fetch.url, date))
        if kind in ("response", "revisit"):
            self._by_url.put(fetch.url, rid)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return [{**base, "kind": kind, "record_id": rid, "warc_file": name, "offset": offset, "length": length}]

    def _conversion(self, fetch: Fetch, base: dict[str, Any], truncated: bool, warc_headers: dict[str, str],
                    ctype: str) -> dict[str, Any]:
        mime = ctype or "text/html"  # the page's own Content-Type: the DOM was serialised in its charset
        headers = {**warc_headers, "WARC-Refers-To-Target-URI": fetch.request_url}
        original = self._by_url.get(fetch.request_url) or self._by_url.get(fetch.url)
        if original:
            headers["WARC-Refers-To"] = original
        kind = "rendered-truncated" if truncated else "rendered"
        if fetch.render_requests:
            headers[RENDER_REQUESTS_HEADER] = json.dumps(fetch.render_requests, separators=(",", ":"))
        body = b"" if truncated else fetch.body
        if truncated:
            headers["WARC-Truncated"] = "length"
        record = self.files.builder.create_warc_record(fetch.url, "conversion", payload=io.BytesIO(body),
                                                       length=len(body), warc_content_type=mime,
                                                       warc_headers_dict=headers)
        rid = record.rec_headers.get_header("WARC-Record-ID")
        ((name, offset, length),) = self.files.write([record])
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return {**base, "content_type": mime[:200], "kind": kind, "record_id": rid, "warc_file": name,
                "offset": offset, "length": length}
