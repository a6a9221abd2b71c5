"""No password in any message: database and Redis URLs are shown as user:***@host.

`mask_url` for one URL (SQLAlchemy's `render_as_string(hide_password=True)` when it parses), `redact` for any
text, and `install_log_redaction()` (done when govaudit.settings is imported) so that every log record —
Scrapy's "Overridden settings" dump of `-s GOVAUDIT_DATABASE_URL=...` included — is redacted."""

from __future__ import annotations

import logging
import re
from typing import Any

# scheme://user:password@  (password up to the last "@" before the host)
_CREDENTIALS = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@'\"]*:)(?P<secret>[^\s/'\"]*)@")


def mask_url(url: Any) -> str:
    """The URL without its password."""
    text = str(url)
    try:
        from sqlalchemy.engine import make_url

        return make_url(text).render_as_string(hide_password=True)
    except Exception:
        return redact(text)


def redact(text: str) -> str:
    if "://" not in text or "@" not in text:
        return text
    return _CREDENTIALS.sub(lambda m: m.group("head") + "***@", text)


_installed = False


def _lowest_emitted_level() -> int:
    """The lowest level a root handler emits (no handler: every record counts, to be safe). A record below it
    is never formatted, so it need not be redacted; formatting it would cost the crawl (an item's repr per
    "Scraped from" line)."""
    handlers = logging.getLogger().handlers
    if not handlers:
        return logging.NOTSET
    return min(h.level for h in handlers)


def skip_unemitted_records() -> None:
    """Scrapy leaves the root logger at NOTSET and its own `scrapy` logger at DEBUG (its logging dictConfig),
    so every DEBUG call ("Crawled (200)" per response, "Scraped from" per item) makes a record that the root
    handlers then drop: about 2% of the crawl's thread. With the root handlers in place, both loggers are set
    to the lowest level those handlers emit, and such calls return at once. Left alone: a logger with handlers
    of its own, a level an operator set above it; a handler added later at a lower level (a test capturing
    DEBUG) sets the level it needs itself."""
    root = logging.getLogger()
    if not root.handlers:
        return
    lowest = _lowest_emitted_level()
    if root.level == logging.NOTSET:
        root.setLevel(lowest)
    scrapy_logger = logging.getLogger("scrapy")
    if not scrapy_logger.handlers and scrapy_logger.level < lowest:
        scrapy_logger.setLevel(lowest)


def install_log_redaction() -> None:
    """Redact every log record at creation (all loggers, all handlers). Idempotent."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.levelno < _lowest_emitted_level():
            return record  # Scrapy leaves the root logger at NOTSET: DEBUG records are made, then dropped unread
        try:
            message = record.getMessage()
        except Exception:
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    logging.setLogRecordFactory(factory)
