"""Command line of the demo province.

    python -m govaudit.demo serve [--asof D] [--seed N] [--sites N] [--port P] [--registry OUT.csv] [--day N]
    python -m govaudit.demo audit [--asof D] [--seed N] [--sites N] [--port P] [--registry OUT.csv]
                                  [--rectified AUDIT_ASOF] [-- extra `scrapy crawl audit` arguments]

``serve`` serves the province on loopback until Ctrl-C or SIGTERM and writes its registry CSV (an ordinary
registry file: audit it with ``scrapy crawl audit -a registry=OUT.csv -a asof=D``). ``audit`` does both in one
go: serves the province, writes the registry (default ``var/demo/registry.csv``), runs ``scrapy crawl audit``
on it in a subprocess, stops serving and exits with the crawl's exit status. An ``-a asof=D`` among the
crawl's arguments is the province's as-of date too. Before the crawl it imports the province's
「我为政府网站找错」 export (``zhaocuo.csv`` beside the registry) with ``scrapy zhaocuo import``.

``--rectified AUDIT_ASOF`` serves the province of the audit as of AUDIT_ASOF as it is on ``--asof``, after
the rectification deadline (``rectify.py``: some problem sites fixed, some not), and writes the written
rectification reports received (``reported.csv`` beside the registry); with ``-- -a recheck=RUN`` the crawl
is the recheck of RUN and reads that file (``-a reported=``):

    python -m govaudit.demo audit --asof 2026-11-20 -- -a due=2026-11-25
    python -m govaudit.demo audit --asof 2026-11-28 --rectified 2026-11-20 -- -a recheck=<the first run's id>

``serve --day N`` serves day N of the simulated fortnight that starts on the as-of date (govaudit.demo.timeline):
the sites as they are N days later, having published, deleted and backdated entries (day 0: the audit's
day); run ``scrapy crawl monitor -a asof=<as-of + N>`` against it.

Every site listens on its own 127.0.x.y address at one port, fixed by default (``GOVAUDIT_DEMO_PORT``,
18080) so that a crawl resumed later (``-s JOBDIR=...``) finds the same URLs; ``--port 0`` picks a free one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from govaudit import settings as project_settings
from govaudit.demo.monitoring import write_planted_probes
from govaudit.demo.province import Province, build_province
from govaudit.demo.rectify import after_deadline, write_reports
from govaudit.demo.server import DemoServer, PortTaken
from govaudit.demo.zhaocuo import write_export

PROG = "python -m govaudit.demo"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = ROOT / "var" / "demo" / "registry.csv"
LIST_SITES_UP_TO = 100  # `serve` lists the sites one per line up to this many


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(project_settings.GOVAUDIT_TIMEZONE)).date()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="the bundled demo province", allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("serve", "serve the province on loopback until Ctrl-C"),
                            ("audit", "serve the province and audit it with `scrapy crawl audit`")):
        p = sub.add_parser(name, help=help_text, allow_abbrev=False)
        p.add_argument("--asof", type=_date, help="as-of date (监测时间点), default today")
        p.add_argument("--seed", type=int, default=2017)
        p.add_argument("--sites", type=int, help="N sites: the running sites cycled (default: the demo province)")
        p.add_argument("--port", type=int, default=int(project_settings.GOVAUDIT_DEMO_PORT),
                       help="port on every 127.0.x.y address (default %(default)s; 0 = any free one)")
        p.add_argument("--rectified", type=_date, metavar="AUDIT_ASOF",
                       help="the province of the audit as of AUDIT_ASOF, after its rectification deadline "
                            "(some problem sites fixed), served on --asof")
        p.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY if name == "audit" else None,
                       help="write the registry CSV here" + (" (default %(default)s)" if name == "audit" else ""))
        if name == "serve":
            p.add_argument("--day", type=int, default=None,
                           help="serve day N of the simulated fortnight starting on the as-of date")
    return parser


def _crawl_asof(crawl_args: list[str]) -> tuple[dt.date | None, list[str]]:
    """The ``-a asof=D`` of the crawl's arguments (if any) and the other arguments."""
    asof, rest, i = None, [], 0
    while i < len(crawl_args):
        token = crawl_args[i]
        value = crawl_args[i + 1] if token == "-a" and i + 1 < len(crawl_args) else \
            token[2:] if token.startswith("-a") and "=" in token else None
        if value is not None and value.split("=", 1)[0].strip() == "registry":
            raise argparse.ArgumentTypeError("-a registry=: the demo audit passes its own registry file")
        if value is not None and value.split("=", 1)[0].strip() == "asof":
            asof = _date(value.split("=", 1)[1].strip())
        else:
            rest += crawl_args[i:i + 2] if token == "-a" else [token]
        i += 2 if token == "-a" else 1
    return asof, rest


def _start(province: Province, port: int) -> DemoServer | None:
    server = DemoServer(province, port=port)
    try:
        server.start()
    except PortTaken as exc:
        print(f"{PROG}: {exc.strerror}: another demo server or program listens there; stop it or pass "
              f"--port P (0 = any free port)", file=sys.stderr)
        return None
    return server


def _summary(province: Province, server: DemoServer, args: argparse.Namespace) -> str:
    served = sum(s.served for s in province.sites)
    return (f"{province.name} demo province as of {province.asof} (seed {args.seed}): {len(province.sites)} sites, "
            f"{served} served on port {server.port}; national stand-in {server.national_url}")


def _province(asof: dt.date, args: argparse.Namespace) -> Province:
    if args.rectified is None:
        return build_province(asof, args.seed, args.sites)
    if args.sites is not None:
        raise argparse.ArgumentTypeError("--rectified is the demo province itself: drop --sites")
    if args.rectified >= asof:
        raise argparse.ArgumentTypeError(f"--rectified {args.rectified}: the audit comes before --asof {asof}")
    return after_deadline(args.rectified, asof, args.seed)


def serve(args: argparse.Namespace) -> int:
    down: set[str] = set()
    if args.day is not None:
        from govaudit.demo.timeline import Fortnight

        if args.rectified is not None:
            raise argparse.ArgumentTypeError("--day and --rectified are two different later states: pick one")
        fortnight = Fortnight(args.asof or _today(), args.seed, args.sites, days=max(14, args.day))
        province, down = fortnight.province(args.day), fortnight.down(args.day)
    else:
        province = _province(args.asof or _today(), args)
    server = _start(province, args.port)
    if server is None:
        return 1
    if down:
        server.serve_day(province, down)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        print(_summary(province, server, args), flush=True)
        if len(province.sites) <= LIST_SITES_UP_TO:
            for site in province.sites:
                state = "served" if site.served else ("refuses" if site.status == "running" else site.status)
                state = "down (resets)" if site.site_id in down else state
                print(f"{site.site_id}  {server.base_urls[site.site_id]:<28} {state:<18} {site.name}", flush=True)
        if args.registry:
            print(f"registry written to {server.write_registry(args.registry)}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


def audit(args: argparse.Namespace, crawl_args: list[str]) -> int:
    crawl_asof, crawl_args = _crawl_asof(crawl_args)
    if args.asof and crawl_asof and args.asof != crawl_asof:
        raise argparse.ArgumentTypeError(f"--asof {args.asof} and -a asof={crawl_asof} disagree")
    asof = args.asof or crawl_asof or _today()
    province = _province(asof, args)
    server = _start(province, args.port)
    if server is None:
        return 1
    env = {"SCRAPY_SETTINGS_MODULE": "govaudit.settings", **os.environ}
    cwd = ROOT if (ROOT / "scrapy.cfg").is_file() else None
    try:
        registry = server.write_registry(args.registry)
        print(_summary(province, server, args), file=sys.stderr, flush=True)
        print(f"registry written to {registry}", file=sys.stderr, flush=True)
        planted = write_planted_probes(project_settings.GOVAUDIT_DATABASE_URL, [s.spec for s in province.sites],
                                       server.base_urls, asof, project_settings.GOVAUDIT_TIMEZONE)
        if planted:
            print(f"monitoring log: {planted} planted probes of the week before {asof}", file=sys.stderr, flush=True)
        if args.sites is None and args.rectified is None:
            export = write_export(province, registry.with_name("zhaocuo.csv"))
            imported = subprocess.run([sys.executable, "-m", "scrapy", "zhaocuo", "import", str(export)], env=env,
                                      cwd=cwd, capture_output=True, text=True)
            print(f"找错 export {export}: {(imported.stdout or imported.stderr).strip()}", file=sys.stderr, flush=True)
        if args.rectified is not None:
            reports = write_reports(province, registry.with_name("reported.csv"))
            print(f"rectification reports received written to {reports}", file=sys.stderr, flush=True)
            if any(a.startswith(("recheck=", "-arecheck=")) for a in crawl_args):
                crawl_args = [*crawl_args, "-a", f"reported={reports}"]
        cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"registry={registry}",
               "-a", f"asof={asof.isoformat()}", *crawl_args]
        # its own session: Ctrl-C reaches the crawl once (forwarded below), so Scrapy stops gracefully
        crawl = subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, _frame: crawl.send_signal(signum))
        rc = crawl.wait()
    finally:
        server.stop()
    return rc if rc >= 0 else 128 - rc


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    after = argv[argv.index("--") + 1:] if "--" in argv else []
    before = argv[:argv.index("--")] if "--" in argv else argv
    parser = _parser()
    args, unknown = parser.parse_known_args(before)
    try:
        if args.command == "serve":
            if unknown or after:
                parser.error(f"unrecognized arguments: {' '.join(unknown + after)}")
            return serve(args)
        return audit(args, unknown + after)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    except ValueError as exc:  # e.g. --sites 0
        parser.error(str(exc))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
