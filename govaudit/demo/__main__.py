"""Command line of the demo province.

    python -m govaudit.demo serve --asof YYYY-MM-DD [--seed N] [--port P] [--registry OUT.csv]
    python -m govaudit.demo expected --asof YYYY-MM-DD [--seed N]

``serve`` runs until Ctrl-C or SIGTERM; ``expected`` prints the planted answers as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import threading
from pathlib import Path

from govaudit.demo.province import build_province


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govaudit.demo", description="the bundled demo province")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "expected"):
        p = sub.add_parser(name)
        p.add_argument("--asof", type=_date, default=dt.date.today(), help="as-of date (监测时间点)")
        p.add_argument("--seed", type=int, default=2017)
        if name == "serve":
            p.add_argument("--port", type=int, default=0, help="port on every 127.0.0.x (0 = any free one)")
            p.add_argument("--registry", type=Path, help="write the registry CSV here")
    args = parser.parse_args(argv)
    province = build_province(args.asof, args.seed)
    if args.command == "expected":
        json.dump(province.expected(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0

    from govaudit.demo.server import DemoServer

    server = DemoServer(province, port=args.port)
    urls = server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        print(f"{province.name} demo province, as of {args.asof} (seed {args.seed})", flush=True)
        print(f"national stand-in  {server.national_url}", flush=True)
        for site in province.sites:
            state = "served" if site.served else ("refuses" if site.status == "running" else site.status)
            print(f"{site.site_id}  {urls[site.site_id]:<28} {state:<18} {site.name}", flush=True)
        if args.registry:
            print(f"registry written to {server.write_registry(args.registry)}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
