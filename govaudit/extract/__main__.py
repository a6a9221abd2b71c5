"""``python -m govaudit.extract PAGE --url URL [--encoding ENC] [--asof YYYY-MM-DD] [--fetched ISO] [--kind list|home]``.

Prints the extraction result of a saved page as JSON (see :func:`govaudit.extract.listpage.to_json`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

from govaudit.extract.listpage import extract_list, to_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govaudit.extract", description=__doc__)
    parser.add_argument("page", help="saved page file (read as raw bytes); '-' reads stdin")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from (resolves links)")
    parser.add_argument("--encoding", default=None, help="declared encoding (HTTP header), if any")
    parser.add_argument("--asof", default=None, help="as-of date YYYY-MM-DD (default: today)")
    parser.add_argument("--fetched", default=None,
                        help="when the page was fetched, YYYY-MM-DD[THH:MM] (relative and year-less dates)")
    parser.add_argument("--kind", choices=("list", "home"), default=None, help="force list or home mode")
    args = parser.parse_args(argv)
    try:
        asof = datetime.date.fromisoformat(args.asof) if args.asof else None
    except ValueError:
        parser.error(f"--asof must be YYYY-MM-DD, got {args.asof!r}")
    try:
        fetched = datetime.datetime.fromisoformat(args.fetched) if args.fetched else None
    except ValueError:
        parser.error(f"--fetched must be YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {args.fetched!r}")
    try:
        body = sys.stdin.buffer.read() if args.page == "-" else Path(args.page).read_bytes()
    except OSError as exc:
        print(f"cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    page = extract_list(body, args.url, encoding=args.encoding, asof=asof, kind=args.kind, fetched=fetched)
    json.dump(to_json(page), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
