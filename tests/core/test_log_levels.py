"""DEBUG calls the crawl's handlers would drop are not made into records (govaudit.crawl.redact)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from govaudit.crawl.redact import skip_unemitted_records


@pytest.fixture
def bare_root() -> Iterator[logging.Logger]:
    """The root logger as Scrapy leaves it (NOTSET), restored after; each test sets its handlers (pytest's
    capture handlers are added around the test body, after the fixtures)."""
    root, scrapy_logger = logging.getLogger(), logging.getLogger("scrapy")
    level, handlers, scrapy_level = root.level, root.handlers[:], scrapy_logger.level
    root.setLevel(logging.NOTSET)
    scrapy_logger.setLevel(logging.DEBUG)  # as Scrapy's logging dictConfig sets it
    try:
        yield root
    finally:
        root.handlers = handlers
        root.setLevel(level)
        scrapy_logger.setLevel(scrapy_level)


def test_the_root_logger_takes_the_lowest_level_its_handlers_emit(bare_root: logging.Logger) -> None:
    engine = logging.getLogger("scrapy.core.engine")
    bare_root.handlers = [logging.StreamHandler()]
    bare_root.handlers[0].setLevel(logging.INFO)
    assert engine.isEnabledFor(logging.DEBUG)  # as Scrapy leaves it: every "Crawled (200)" makes a record
    skip_unemitted_records()
    assert not engine.isEnabledFor(logging.DEBUG) and engine.isEnabledFor(logging.INFO)
    assert not logging.getLogger("govaudit.spiders.audit").isEnabledFor(logging.DEBUG)


def test_a_handler_at_debug_or_a_level_set_already_is_respected(bare_root: logging.Logger) -> None:
    bare_root.handlers = [logging.StreamHandler()]  # level NOTSET: emits everything
    skip_unemitted_records()
    assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
    bare_root.setLevel(logging.WARNING)  # an operator's own choice is not changed
    bare_root.handlers[0].setLevel(logging.ERROR)
    scrapy_logger = logging.getLogger("scrapy")
    own = logging.StreamHandler()
    scrapy_logger.addHandler(own)  # nor a logger with a handler of its own
    try:
        skip_unemitted_records()
    finally:
        scrapy_logger.removeHandler(own)
    assert bare_root.level == logging.WARNING and scrapy_logger.level == logging.DEBUG
