"""The wire format of renders handed to another crawler process of the same machine (govaudit.crawl.renderservice).

One render is one connection on a Unix socket: the asking process sends one frame with the request, the
serving one answers one frame with the response's head and one with its body (or one frame with an error).
A frame is a 4-byte big-endian length and that many bytes; heads are JSON in the tagged encoding of the
request queues (govaudit.crawl.jsonqueue), so nothing on the socket is unpickled.

A request travels with the meta that JSON can carry (scrapy-playwright's keys, the render's scope policy, the
column being read, ...); what it cannot (a Playwright page, a callable) stays behind, since the serving
process decides those for itself. The answer carries, besides status, address, headers and body, the meta the
render added or changed (the requests a page's script made, what was aborted), so the asking spider reads the
rendered page as if it had rendered it itself."""

from __future__ import annotations

import asyncio
import json
import struct
from ipaddress import ip_address
from typing import Any

from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.utils.misc import load_object

from govaudit.crawl.jsonqueue import Unqueueable, decode_value, encode_value

MAX_HEAD = 64 * 2**20  # a request's or answer's head (the meta can carry a column's entries)
MAX_BODY = 512 * 2**20  # a rendered page; scrapy-playwright has no size limit of its own
PRIVATE_META = frozenset({"playwright_page", "playwright_include_page", "govaudit_tab"})  # the server's tab lease
_LEN = struct.Struct(">I")


class WireError(ValueError):
    """A frame that is too large or not what the protocol says."""


async def write_frame(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(_LEN.pack(len(data)))
    writer.write(data)
    await writer.drain()


async def read_frame(reader: asyncio.StreamReader, limit: int) -> bytes:
    (size,) = _LEN.unpack(await reader.readexactly(_LEN.size))
    if size > limit:
        raise WireError(f"frame of {size} bytes refused (at most {limit})")
    return await reader.readexactly(size)


def _portable(meta: dict[str, Any], keys: Any) -> dict[str, Any]:
    """The entries of `meta` under `keys` that JSON can carry (the others stay behind)."""
    out = {}
    for key in keys:
        if key in PRIVATE_META or not isinstance(key, str):
            continue
        try:
            out[key] = encode_value(meta[key], f"meta.{key}")
        except Unqueueable:
            continue
    return out


def _encode_headers(headers: Headers) -> list[Any]:
    return [[encode_value(k, "headers"), [encode_value(v, "headers") for v in vs]] for k, vs in headers.items()]


def _decode_headers(pairs: list[Any]) -> Headers:
    headers = Headers()
    for k, vs in pairs:
        headers.setlist(decode_value(k), [decode_value(v) for v in vs])
    return headers


def encode_request(request: Request) -> bytes:
    """The request as the serving process rebuilds it (callbacks stay behind: it only downloads)."""
    return json.dumps({
        "url": request.url, "method": request.method, "body": encode_value(request.body, "body"),
        "headers": _encode_headers(request.headers),
        "meta": _portable(request.meta, list(request.meta)), "flags": list(request.flags),
        "priority": request.priority,
    }, ensure_ascii=False).encode("utf-8")


def decode_request(data: bytes) -> Request:
    """The request `encode_request` sent."""
    try:
        head = json.loads(data)
        return Request(head["url"], method=head["method"], body=decode_value(head["body"]),
                       headers=_decode_headers(head["headers"]),
                       meta={k: decode_value(v) for k, v in head["meta"].items()}, flags=list(head["flags"]),
                       priority=int(head["priority"]), dont_filter=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"render request not readable: {exc}") from exc


def meta_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The meta keys a render added or replaced."""
    return [k for k, v in after.items() if k not in before or before[k] is not v]


def encode_response(response: Response, meta: dict[str, Any], changed_meta: list[str]) -> bytes:
    """The head of `response`: what `decode_response` needs besides the body, with the `changed_meta` of the
    rendered request's `meta`."""
    cls = type(response)
    return json.dumps({
        "cls": f"{cls.__module__}.{cls.__qualname__}", "url": response.url, "status": response.status,
        "headers": _encode_headers(response.headers),
        "flags": list(response.flags), "ip_address": str(response.ip_address or "") or None,
        "protocol": response.protocol, "meta": _portable(meta, changed_meta),
    }, ensure_ascii=False).encode("utf-8")


def decode_response(head_data: bytes, body: bytes, request: Request) -> Response:
    """The served render as a response to `request` (whose meta takes the render's changes)."""
    try:
        head = json.loads(head_data)
        path = str(head["cls"])
        cls = load_object(path) if path.startswith("scrapy.http.") else None
        ip = ip_address(head["ip_address"]) if head.get("ip_address") else None
        headers = _decode_headers(head["headers"])
        meta = {k: decode_value(v) for k, v in head["meta"].items()}
    except (KeyError, TypeError, ValueError, ImportError, AttributeError, NameError) as exc:
        raise WireError(f"render answer not readable: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Response)):
        raise WireError(f"response class {path!r} refused (only scrapy.http Response classes)")
    request.meta.update(meta)
    return cls(url=head["url"], status=int(head["status"]), headers=headers, body=body, request=request,
               flags=list(head["flags"]), ip_address=ip, protocol=head.get("protocol"))


def encode_error(exc: BaseException) -> bytes:
    """The answer for a render that failed: the error's name and message."""
    return json.dumps({"error": type(exc).__name__, "message": str(exc)[:2000]}, ensure_ascii=False).encode()
