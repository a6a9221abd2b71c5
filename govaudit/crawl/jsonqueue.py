"""JSON serializer for queued requests (scrapy-redis SCHEDULER_SERIALIZER = "govaudit.crawl.jsonqueue").

scrapy-redis pickles requests by default: whoever can write to the Redis server could then run code in every
worker. Here a request is JSON with a few tagged types: bytes, tuples, dicts with non-text keys, dates,
scrapy-playwright's PageMethod and the evidence records of govaudit.records (dataclasses, rebuilt field by
field; the audit spider carries a column's Entry records across its pages). Anything else raises
`Unqueueable` naming where it sits, and a decoded request may only be of a Request class from scrapy or
govaudit.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from typing import Any

ALLOWED_CLASS_PREFIXES = ("scrapy.", "govaudit.")
RECORDS_MODULE = "govaudit.records"


class Unqueueable(TypeError):
    """A request whose attributes or meta hold something JSON cannot carry."""


def encode_value(value: Any, path: str) -> Any:
    """`value` in the tagged JSON form (`path` names where it sits, for the error)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [encode_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$t": [encode_value(v, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode_value(v, f"{path}.{k}") for k, v in value.items()}
        return {"$d": [[encode_value(k, f"{path}<key>"), encode_value(v, f"{path}.{k!r}")] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if dataclasses.is_dataclass(value) and type(value).__module__ == RECORDS_MODULE:
        return {"$rec": {"cls": type(value).__name__,
                         "fields": {f.name: encode_value(getattr(value, f.name), f"{path}.{f.name}")
                                    for f in dataclasses.fields(value)}}}
    if type(value).__name__ == "PageMethod" and type(value).__module__.startswith("scrapy_playwright"):
        return {"$pm": {"method": encode_value(value.method, f"{path}.method"),
                        "args": encode_value(list(value.args), f"{path}.args"),
                        "kwargs": encode_value(dict(value.kwargs), f"{path}.kwargs")}}
    raise Unqueueable(f"request {path} is a {type(value).__module__}.{type(value).__qualname__}, which cannot be "
                      f"queued without pickle; keep request meta to plain data (str, numbers, lists, dicts)")


def decode_value(value: Any) -> Any:
    """The value `encode_value` tagged."""
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$b":
            return base64.b64decode(inner)
        if tag == "$t":
            return tuple(decode_value(v) for v in inner)
        if tag == "$d":
            return {decode_value(k): decode_value(v) for k, v in inner}
        if tag == "$date":
            return dt.date.fromisoformat(inner)
        if tag == "$dt":
            return dt.datetime.fromisoformat(inner)
        if tag == "$rec":
            return _record(inner)
        if tag == "$pm":
            from scrapy_playwright.page import PageMethod

            return PageMethod(str(inner["method"]), *decode_value(inner.get("args") or []),
                              **decode_value(inner.get("kwargs") or {}))
    return {k: decode_value(v) for k, v in value.items()}


def _record(inner: dict[str, Any]) -> Any:
    """An evidence record of govaudit.records, by class name (a dataclass of that module, nothing else)."""
    import govaudit.records as records

    cls = getattr(records, str(inner.get("cls")), None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == RECORDS_MODULE):
        raise ValueError(f"queued record of class {inner.get('cls')!r} refused")
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: decode_value(v) for k, v in (inner.get("fields") or {}).items() if k in names})


def dumps(obj: dict[str, Any]) -> str:
    return json.dumps(encode_value(obj, "request"), ensure_ascii=False, separators=(",", ":"))


def loads(data: str | bytes) -> dict[str, Any]:
    obj = decode_value(json.loads(data))
    if not isinstance(obj, dict):
        raise ValueError("a queued request must be a JSON object")
    cls = obj.get("_class")
    if cls is not None:
        _check_class(str(cls))
    return obj


def _check_class(path: str) -> None:
    if not path.startswith(ALLOWED_CLASS_PREFIXES):
        raise ValueError(f"queued request of class {path!r} refused (only scrapy./govaudit. Request classes)")
    from scrapy import Request
    from scrapy.utils.misc import load_object

    if not (isinstance(cls := load_object(path), type) and issubclass(cls, Request)):
        raise ValueError(f"queued request of class {path!r} refused: not a Request class")
