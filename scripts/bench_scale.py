"""Scale benchmark: audit an N-site synthetic province and compare with bare Scrapy on the same URLs.

    python scripts/bench_scale.py [--sites 600] [--asof YYYY-MM-DD] [--pg-url URL | --no-pg]
                                  [--workers 1,2] [--delay SECONDS] [-s NAME=VALUE ...]

In one run: the demo generator builds N sites (the running sites cycled with new ids) served by one process;
the full audit runs on SQLite (extraction, scoring, SQL, report), logging every URL it hands the downloader;
a bare Scrapy spider (benchmarks/bare_spider.py: same project settings, no parsing) fetches exactly those
URLs; then `scrapy report` and `scrapy rescore` of the run are timed; the audit again on PostgreSQL (a
throwaway cluster from scripts/pg.sh unless --pg-url names an empty database); with --workers, the audit
with 1 and 2 crawler processes (python -m govaudit.parallel) sharing whole sites through SQLite, and sharing
requests over one Redis queue on PostgreSQL; with
--delay, the audit with DOWNLOAD_DELAY per site, next to its floor (the largest site's pages x delay) and
the sum (all pages x delay). `cpu` is the operating system's accounting of the process and the children it
waited for (user+sys): it misses Chromium's processes, whose parent is the Playwright driver, which does not
wait for them all. `machine cpu` is the machine's busy CPU during the run less the demo server's and this
script's own: on a machine running nothing else, every process of the run, browsers included.
Figures only; nothing is asserted. The last lines are, for one process and then (with --workers) the most
workers sharing sites,
    bench: sites=N pages=P wall=S audit_pages_per_s=X bare_pages_per_s=Y ratio=R peak_rss_mb=M jobs=J
"""

from __future__ import annotations

import argparse
import ast
import collections
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Proc:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    out: str
    stats: dict[str, object] = field(default_factory=dict)
    machine_cpu: float = 0.0  # the machine's busy CPU during the run, less the demo server's and the benchmark's
    server_cpu: float = 0.0  # the demo server's CPU during the run

    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0) or 0)  # type: ignore[call-overload]


SAMPLE_S = 2.0  # memory sampling period


def _tree_memory_mb(root: int) -> float:
    """Memory of `root` and all its descendants (parse workers, fork server, browser, redis-server), in MB:
    the sum of their proportional set sizes (shared pages counted once over the tree), else of their RSS."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            key = "Pss:"
        except OSError:
            try:
                rollup, key = Path(f"/proc/{pid}/status").read_text(), "VmRSS:"
            except OSError:
                continue
        for text_line in rollup.splitlines():
            if text_line.startswith(key):
                total_kb += int(text_line.split()[1])
                break
    return total_kb / 1024


SERVER_PID: list[int] = []  # the demo server's process, once started: its CPU is not the audit's


def _busy_cpu_s() -> float:
    """CPU seconds the whole machine has been busy since boot (every state of /proc/stat but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def _process_cpu_s(pid: int) -> float:
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def run(cmd: list[str], env: dict[str, str], log: Path) -> Proc:
    """Run a command to completion; its wall time, CPU (its own and its children's) and peak memory (the largest
    proportional-set-size sum over the process tree, sampled every SAMPLE_S seconds, or the largest single
    process's RSS if that is larger). Reading every process's smaps_rollup costs CPU (Chromium's processes most):
    every half second it took about a tenth of a core from the runs it measured."""
    with log.open("wb") as out:
        busy0, server0, self0 = _busy_cpu_s(), sum(map(_process_cpu_s, SERVER_PID)), time.process_time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_S):
                peak[0] = max(peak[0], _tree_memory_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        server = sum(map(_process_cpu_s, SERVER_PID)) - server0
        machine = _busy_cpu_s() - busy0 - server - (time.process_time() - self0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    stats: dict[str, object] = {}
    for dump in re.findall(r"Dumping Scrapy stats:\n(\{.*?\})\n", text, re.S):
        one = ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", dump))
        for k, v in one.items():  # several workers: counters add up
            stats[k] = stats.get(k, 0) + v if isinstance(v, int | float) and k in stats else v
    return Proc(wall, ru.ru_utime + ru.ru_stime, max(ru.ru_maxrss / 1024, peak[0]), proc.returncode, text, stats,
                machine, server)


def checked(p: Proc, what: str) -> Proc:
    if p.code != 0:
        sys.exit(f"bench: {what} failed (exit {p.code}):\n{p.out[-3000:]}")
    return p


def audit_cmd(registry: Path, asof: str, run_id: str, extra: list[str]) -> list[str]:
    cmd = ["-a", f"registry={registry}", "-a", f"asof={asof}", "-a", f"run={run_id}", "-s", "STATS_DUMP=True",
           "-s", "GOVAUDIT_PROGRESS_INTERVAL=0"]
    for s in extra:
        cmd += ["-s", s]
    return cmd


def scrapy(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args]


def env_for(db: str, reports: Path, **more: str) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "GOVAUDIT_DATABASE_URL": db, "GOVAUDIT_REPORTS_DIR": str(reports), "PYTHONPATH": path,
            **more}


def line(name: str, p: Proc, pages: int) -> str:
    return (f"{name:<28} wall {p.wall:7.1f} s  cpu {p.cpu:7.1f} s  {pages / p.wall:7.1f} pages/s  "
            f"{1000 * p.cpu / max(pages, 1):5.2f} ms cpu/page  peak rss {p.rss_mb:6.0f} MB  "
            f"machine cpu {p.machine_cpu:7.1f} s ({1000 * p.machine_cpu / max(pages, 1):5.2f} ms/page)  "
            f"demo server cpu {p.server_cpu:6.1f} s")


@dataclass
class Bench:
    sites: int
    asof: str
    settings: list[str]
    tmp: Path
    registry: Path = field(init=False)

    def serve(self) -> subprocess.Popen[str]:
        self.registry = self.tmp / "registry.csv"
        server = subprocess.Popen([sys.executable, "-m", "govaudit.demo", "serve", "--asof", self.asof, "--sites",
                                   str(self.sites), "--port", "0", "--registry", str(self.registry)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for out in server.stdout:  # type: ignore[union-attr]
            if out.startswith("registry written"):
                SERVER_PID[:] = [server.pid]
                return server
        sys.exit("bench: the demo server did not start")

    def audit(self, name: str, db: str, extra: list[str] = (), parallel: int = 0,  # type: ignore[assignment]
              share: str = "sites") -> Proc:
        args = audit_cmd(self.registry, self.asof, name, [*self.settings, *extra])
        cmd = ([sys.executable, "-m", "govaudit.parallel", "-j", str(parallel), "--share", share, "--", *args]
               if parallel else scrapy("crawl", "audit", *args))
        return checked(run(cmd, env_for(db, self.tmp / "reports"), self.tmp / f"{name}.log"), name)


def pg_cluster() -> tuple[str, Path] | None:
    # a folder of its own under /tmp, as scripts/test.sh makes it: the server's user must reach it, and the
    # benchmark's private temporary folder is closed to other users
    folder = Path(tempfile.mkdtemp(prefix="govaudit-pg."))
    got = subprocess.run(["bash", str(ROOT / "scripts" / "pg.sh"), "start"], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "GOVAUDIT_PG_DIR": str(folder)})
    if got.returncode != 0:
        print(f"bench: no PostgreSQL ({got.stderr.strip()[-300:]})")
        return None
    return got.stdout.strip().splitlines()[-1], folder


def pg_database(base_url: str, name: str) -> str:
    """A fresh database `name` on the server of `base_url` (its URL)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    base, name = url.rsplit("/", 1)
    engine = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=600)
    ap.add_argument("--asof", default="2026-11-20")
    ap.add_argument("--pg-url", default="", help="a PostgreSQL server URL (fresh databases are made on it); "
                                                 "default: a throwaway cluster from scripts/pg.sh")
    ap.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL and worker runs")
    ap.add_argument("--workers", default="", help="e.g. 1,2: the audit with that many crawler processes, sharing sites "
                                           "(SQLite) and requests (Redis, PostgreSQL)")
    ap.add_argument("--delay", type=float, default=0.0, help="also run with DOWNLOAD_DELAY=SECONDS per site")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE for every audit run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-scale-") as t:
        tmp = Path(t)
        bench = Bench(args.sites, args.asof, args.settings, tmp)
        server = bench.serve()
        cluster = None
        try:
            cluster = report_all(bench, args)
        finally:
            server.terminate()
            server.wait(10)
            if cluster is not None:
                subprocess.run(["bash", str(ROOT / "scripts" / "pg.sh"), "stop"], cwd=ROOT, capture_output=True,
                               env={**os.environ, "GOVAUDIT_PG_DIR": str(cluster)})
                shutil.rmtree(cluster, ignore_errors=True)


def report_all(bench: Bench, args: argparse.Namespace) -> Path | None:
    tmp = bench.tmp
    urls = tmp / "urls.txt"
    sqlite = f"sqlite:///{tmp / 'bench.sqlite'}"
    extensions = {**_project_extensions(), "benchmarks.urllog.URLLog": 0}
    audit = bench.audit("sqlite", sqlite, [f"EXTENSIONS={json.dumps(extensions)}", f"BENCH_URL_LOG={urls}"])
    fetched = urls.read_text(encoding="utf-8").splitlines()
    pages = len(fetched)
    bare = checked(run(scrapy("runspider", str(ROOT / "benchmarks" / "bare_spider.py"), "-a", f"urls={urls}",
                              "-s", "STATS_DUMP=True", "-s", "LOG_LEVEL=INFO", *(x for s in args.settings
                                                                                  for x in ("-s", s))),
                       env_for(sqlite, tmp / "reports"), tmp / "bare.log"), "bare spider")
    scored = int(audit.stats.get("govaudit/sites_scored", 0) or 0)  # type: ignore[call-overload]
    print(f"province: {bench.sites} sites ({scored} scored), {pages} requests handed to the downloader "
          f"({audit.pages()} responses)")
    print(line("audit (SQLite)", audit, pages) + _close_figures(audit))
    print(line("bare Scrapy, same URLs", bare, pages))
    report = checked(run(scrapy("report", "sqlite", "--out", str(tmp / "report-again")),
                         env_for(sqlite, tmp / "reports"), tmp / "report.log"), "report")
    rescore = checked(run(scrapy("rescore", "sqlite", "--run-id", "rescored"), env_for(sqlite, tmp / "reports"),
                          tmp / "rescore.log"), "rescore")
    print(f"report render (scrapy report)  wall {report.wall:6.1f} s  cpu {report.cpu:6.1f} s")
    print(f"rescore (scrapy rescore)       wall {rescore.wall:6.1f} s  cpu {rescore.cpu:6.1f} s")
    parallel: dict[int, Proc] = {}
    for jobs in workers(args):
        w = parallel[jobs] = bench.audit(f"s{jobs}", f"sqlite:///{tmp / f's{jobs}.sqlite'}", parallel=jobs,
                                         share="sites")
        print(line(f"audit, {jobs} worker(s) sharing sites (SQLite)", w, pages) + _render_counts(w) + _close_figures(w))

    cluster: Path | None = None
    if not args.no_pg:
        base = args.pg_url
        if not base:
            got = pg_cluster()
            if got is not None:
                base, cluster = got
        if base:
            made: list[str] = []
            try:
                db = pg_database(base, "bench_scale_pg")
                made.append(db)
                pg = bench.audit("pg", db)
                # the same province and URLs as the SQLite audit: its page count is every run's denominator
                # (two workers' stats dumps interleave in one log, so their own counts cannot be read)
                print(line("audit (PostgreSQL)", pg, pages) + f"  ({pg.wall / audit.wall:.2f}x SQLite's wall)")
                for jobs in workers(args):
                    db = pg_database(base, f"bench_scale_w{jobs}")
                    made.append(db)
                    w = bench.audit(f"w{jobs}", db, parallel=jobs, share="requests")
                    print(line(f"audit, {jobs} worker(s) sharing requests (Redis, PostgreSQL)", w, pages))
            finally:
                for db in made:
                    drop_database(db)
    if args.delay > 0:
        per_site = collections.Counter(urlsplit(u.split(" ", 1)[-1]).hostname for u in fetched)
        d = bench.audit("delay", f"sqlite:///{tmp / 'delay.sqlite'}",
                        [f"DOWNLOAD_DELAY={args.delay}", "RANDOMIZE_DOWNLOAD_DELAY=False"])
        floor = max(per_site.values()) * args.delay
        print(f"with DOWNLOAD_DELAY={args.delay}: wall {d.wall:.1f} s; largest site's floor {floor:.1f} s "
              f"({max(per_site.values())} pages); sum over sites {pages * args.delay:.1f} s; "
              f"wall/floor {d.wall / floor:.2f}")
    # one process, then (last) the most crawler processes sharing sites, the way a province is run on one machine
    runs = [(1, audit), *sorted(parallel.items())[-1:]]
    print(cpu_bound(bare, runs, pages))
    for jobs, p in runs:
        audit_pps, bare_pps = pages / p.wall, pages / bare.wall
        print(f"bench: sites={bench.sites} pages={pages} wall={p.wall:.1f} audit_pages_per_s={audit_pps:.1f} "
              f"bare_pages_per_s={bare_pps:.1f} ratio={audit_pps / bare_pps:.2f} peak_rss_mb={p.rss_mb:.0f} "
              f"jobs={jobs}")
    return cluster


def cpu_bound(bare: Proc, runs: list[tuple[int, Proc]], pages: int) -> str:
    """The highest ratio this machine allows each audit run: a run cannot take less wall time than its
    machine CPU spread over every core, so ratio = bare wall / audit wall <= cores x bare wall / audit CPU."""
    cores = len(os.sched_getaffinity(0))
    parts = [f"{1000 * p.machine_cpu / max(pages, 1):.2f} ms/page with {jobs} process(es): at most "
             f"{cores * bare.wall / p.machine_cpu:.2f}" for jobs, p in runs if p.machine_cpu > 0]
    return (f"cpu bound: {cores} cores; bare Scrapy {1000 * bare.machine_cpu / max(pages, 1):.2f} ms/page of "
            f"machine cpu; audit " + "; ".join(parts))


def _close_figures(p: Proc) -> str:
    """The crawl's close, from the log's timestamps (seconds): from the last worker's end of crawling to the
    screenshots stored, and from there to the report bundle written."""
    def when(pattern: str) -> dt.datetime | None:
        found = re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[[^]]+\] \w+: " + pattern, p.out, re.M)
        return dt.datetime.strptime(found[-1], "%Y-%m-%d %H:%M:%S") if found else None

    closing, shots, report = (when(r"Closing spider \(finished\)"), when("govaudit screenshots:"),
                              when("govaudit report bundle:"))
    if closing is None or shots is None or report is None:
        return ""
    return (f"  close: screenshots {(shots - closing).total_seconds():.0f} s "
            f"({p.stats.get('govaudit/screenshots_at_end', 0)} taken then), report {(report - shots).total_seconds():.0f} s")


def _render_counts(p: Proc) -> str:
    """How the workers' renders were made: in the owner's browser for the others, or in their own."""
    counts = {k.rsplit("/", 1)[1]: p.stats.get(k, 0) for k in
              ("govaudit/pages_rendered", "govaudit/renders_apart", "govaudit/renders_fallback",
               "playwright/browser_count")}
    return "  renders: " + " ".join(f"{k}={v}" for k, v in counts.items())


def workers(args: argparse.Namespace) -> list[int]:
    return [int(j) for j in args.workers.split(",") if j.strip()]


def _project_extensions() -> dict[str, int]:
    from govaudit import settings

    return dict(settings.EXTENSIONS)


if __name__ == "__main__":
    main()
