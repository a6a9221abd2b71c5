"""Run one audit with N crawler processes on this machine, so every core does part of the crawl: a seeding
worker (it owns the run: opens it, takes the screenshots, renders the report) and N-1 joining workers.

    python -m govaudit.parallel -j 2 -- -a registry=FILE -a asof=YYYY-MM-DD [-a run=ID] [-s NAME=VALUE ...]

Everything after `--` is what `scrapy crawl audit` takes; the seeder gets all of it, the joiners
`-a join=RUN` and the `-s` settings. How the workers share the run (`--share`):

* `sites` (the default): each worker claims whole sites from the run's rows in SQL (GOVAUDIT_SHARE_SITES,
  govaudit.store.claims) and crawls each one alone with its own scheduler; nothing per request is shared,
  no Redis is needed, and a dead worker's sites are claimed again once its lease expires.
* `requests`: the distributed mode over Redis (scrapy-redis queue, per-site ledger); any worker handles any
  request. Without GOVAUDIT_REDIS_URL (or --redis) a private redis-server is started on a free loopback port.

Renders: the seeder serves the other workers' renders on a Unix socket in a private folder
(GOVAUDIT_RENDER_SOCKET, govaudit.crawl.renderservice), so the machine runs one Chromium, not one per worker;
`--render-in-each` gives every worker its own.

The database must be one every worker reaches: the default SQLite file works on one machine (WAL, one writer
at a time), PostgreSQL across machines. Exit status: the seeder's, or the first failing worker's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROG = "python -m govaudit.parallel"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def private_redis() -> Iterator[str]:
    """A throwaway redis-server on loopback (no persistence), stopped on exit."""
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(exe).exists():
        raise SystemExit(f"{PROG}: redis-server is not installed; set GOVAUDIT_REDIS_URL or install it")
    with tempfile.TemporaryDirectory(prefix="govaudit-redis-") as tmp:
        port = _free_port()
        proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
                                 "no", "--dir", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not _redis_ready(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{PROG}: redis-server did not start on port {port}")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(10)


def split_crawl_args(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """(-a arguments as a dict, every other argument in order: -s settings, -L, ...)."""
    spider_args: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-a" and i + 1 < len(args):
            key, _, value = args[i + 1].partition("=")
            spider_args[key] = value
            i += 2
            continue
        if arg.startswith("-a") and len(arg) > 2:
            key, _, value = arg[2:].partition("=")
            spider_args[key] = value
        else:
            rest.append(arg)
        i += 1
    return spider_args, rest


def worker_commands(jobs: int, run_id: str, crawl_args: list[str]) -> list[list[str]]:
    """The seeder's command line first, then the joiners'."""
    spider_args, rest = split_crawl_args(crawl_args)
    spider_args["run"] = run_id
    base = [sys.executable, "-m", "scrapy", "crawl", "audit"]
    seeder = [*base, *(x for k, v in spider_args.items() for x in ("-a", f"{k}={v}")), *rest]
    joiner = [*base, "-a", f"join={run_id}", *rest]
    return [seeder] + [joiner] * (jobs - 1)


def run_workers(commands: list[list[str]], env: dict[str, str]) -> int:
    procs: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signum)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for i, cmd in enumerate(commands):
            procs.append(subprocess.Popen(cmd, env={**env, "GOVAUDIT_WORKER": str(i)}))
        codes = [p.wait() for p in procs]
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    failed = [c for c in codes if c != 0]
    return codes[0] if codes[0] != 0 or not failed else failed[0]


def prepare_database(crawl_rest: list[str]) -> None:
    """Create (or check) the database once, before the workers race to: a new SQLite file made by two
    processes at once would get its tables twice."""
    from scrapy.utils.project import get_project_settings
    from sqlalchemy.exc import SQLAlchemyError

    from govaudit.store.db import get_engine
    from govaudit.store.migrate import SchemaOutdated

    settings = get_project_settings()
    for i, arg in enumerate(crawl_rest):  # the workers' own -s settings
        if arg == "-s" and i + 1 < len(crawl_rest):
            name, _, value = crawl_rest[i + 1].partition("=")
            settings.set(name, value, priority="cmdline")
    try:
        get_engine(settings.get("GOVAUDIT_DATABASE_URL")).dispose()
    except SchemaOutdated as exc:
        raise SystemExit(f"{PROG}: {exc}") from None
    except SQLAlchemyError as exc:
        reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SystemExit(f"{PROG}: the database is not usable: {reason}") from None


def parse_workers_env(jobs: int, crawl_rest: list[str], cores: int | None = None) -> dict[str, str]:
    """Each worker's parse processes (GOVAUDIT_PARSE_WORKERS), unless the operator set them: the cores the
    crawler processes leave, shared among them; none when there are as many crawlers as cores (each then parses
    on its own thread: at 600 sites on 2 cores, -j 2 took 234 s without parse processes and 269 s with one
    each, and 160 MB more; benchmarks/README.md)."""
    given = "GOVAUDIT_PARSE_WORKERS" in os.environ or any(
        arg.startswith("GOVAUDIT_PARSE_WORKERS=") for arg in crawl_rest)
    if jobs < 2 or given:
        return {}
    cores = cores or os.cpu_count() or 1
    return {"GOVAUDIT_PARSE_WORKERS": str(max(0, cores - jobs) // jobs)}


@contextmanager
def render_socket_env(jobs: int, in_each: bool, crawl_rest: list[str]) -> Iterator[dict[str, str]]:
    """GOVAUDIT_RENDER_SOCKET for the workers: a socket in a folder of its own, closed to other users and
    removed at the end (nothing when one worker runs, each renders in its own browser, or the operator named
    the socket)."""
    given = os.environ.get("GOVAUDIT_RENDER_SOCKET") is not None or any(
        arg.startswith("GOVAUDIT_RENDER_SOCKET=") for arg in crawl_rest)
    if jobs < 2 or in_each or given:
        yield {}
        return
    folder = tempfile.mkdtemp(prefix="govaudit-render-")  # mode 700
    try:
        yield {"GOVAUDIT_RENDER_SOCKET": str(Path(folder, "render.sock"))}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prepare_database_apart(crawl_rest: list[str]) -> int:
    """`prepare_database` in a process of its own, so the launcher, which then only waits for the workers, does
    not hold Scrapy and SQLAlchemy in memory for the whole run (about 70 MB). Its exit status."""
    code = "import sys; from govaudit.parallel import prepare_database; prepare_database(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, *crawl_rest]).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, crawl_args = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="crawler processes (default: cores)")
    ap.add_argument("--share", choices=("sites", "requests"), default="",
                    help="what the workers share: whole sites through SQL, or requests through Redis (default: "
                         "requests when --redis or GOVAUDIT_REDIS_URL is given, else sites)")
    ap.add_argument("--redis", default=os.environ.get("GOVAUDIT_REDIS_URL", ""),
                    help="Redis URL of --share requests (default: GOVAUDIT_REDIS_URL, else a private server)")
    ap.add_argument("--render-in-each", action="store_true",
                    help="every worker renders in its own Chromium (default: the seeder renders for all)")
    opts = ap.parse_args(ours)
    if opts.jobs < 1:
        ap.error("-j must be at least 1")
    share = opts.share or ("requests" if opts.redis else "sites")
    spider_args, rest = split_crawl_args(crawl_args)
    if "join" in spider_args:
        ap.error("give the seeding worker's arguments; the launcher starts the joining workers itself")
    run_id = spider_args.get("run") or f"p{time.strftime('%Y%m%d%H%M%S')}{uuid.uuid4().hex[:4]}"
    commands = worker_commands(opts.jobs, run_id, crawl_args)
    print(f"{PROG}: run {run_id} with {opts.jobs} worker(s) sharing its {share}", file=sys.stderr, flush=True)
    with render_socket_env(opts.jobs, opts.render_in_each, rest) as render_env:
        env = {**os.environ, **parse_workers_env(opts.jobs, rest), **render_env}
        return _launch(share, opts.redis, commands, rest, env)


def _launch(share: str, redis_url: str, commands: list[list[str]], rest: list[str], env: dict[str, str]) -> int:
    if share == "sites":
        code = prepare_database_apart(rest)
        if code:
            return code
        return run_workers(commands, {**env, "GOVAUDIT_SHARE_SITES": "1", "GOVAUDIT_REDIS_URL": ""})
    if redis_url:
        return run_workers(commands, {**env, "GOVAUDIT_REDIS_URL": redis_url})
    with private_redis() as url:
        return run_workers(commands, {**env, "GOVAUDIT_REDIS_URL": url})


if __name__ == "__main__":
    sys.exit(main())
