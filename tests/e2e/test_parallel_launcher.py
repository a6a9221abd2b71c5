"""The one-machine parallel launcher: the seeder gets the crawl arguments and the run id, the joiners
`-a join=RUN` and the settings only (the spider refuses other arguments with join)."""

from __future__ import annotations

import sys

from govaudit.parallel import split_crawl_args, worker_commands


def test_worker_commands() -> None:
    args = ["-a", "registry=r.csv", "-aasof=2026-11-20", "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert split_crawl_args(args) == ({"registry": "r.csv", "asof": "2026-11-20"},
                                      ["-s", "LOG_LEVEL=INFO", "-L", "WARNING"])
    seeder, joiner, joiner2 = worker_commands(3, "p1", args)
    scrapy = [sys.executable, "-m", "scrapy", "crawl", "audit"]
    assert seeder == [*scrapy, "-a", "registry=r.csv", "-a", "asof=2026-11-20", "-a", "run=p1",
                      "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert joiner == joiner2 == [*scrapy, "-a", "join=p1", "-s", "LOG_LEVEL=INFO", "-L", "WARNING"]
    assert worker_commands(1, "p1", args) == [seeder]
