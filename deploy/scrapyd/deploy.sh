#!/usr/bin/env bash
# Build govaudit's egg from a staging copy of the package and deploy it to scrapyd with scrapyd-deploy.
#
#   bash deploy/scrapyd/deploy.sh                 # target [deploy] of scrapy.cfg (http://127.0.0.1:6800/)
#   bash deploy/scrapyd/deploy.sh office -v 2026.11.25   # target [deploy:office], version 2026.11.25
#   bash deploy/scrapyd/deploy.sh -l              # list targets
#
# Why a staging copy: scrapyd-deploy writes a setup.py next to scrapy.cfg when there is none; the one in
# this folder adds what the egg needs (the `scrapy` settings entry point and the package data: keyword
# tables, migrations), and the checkout stays untouched.
# Environment: SCRAPY_CFG (default: the project's scrapy.cfg), SCRAPYD_DEPLOY (the scrapyd-deploy to use).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CFG=${SCRAPY_CFG:-$ROOT/scrapy.cfg}
DEPLOY=${SCRAPYD_DEPLOY:-}
if [ -z "$DEPLOY" ]; then
  for c in "$ROOT/.venv/bin/scrapyd-deploy" "$(command -v scrapyd-deploy || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && { DEPLOY=$c; break; }
  done
fi
[ -n "$DEPLOY" ] || { echo "deploy.sh: scrapyd-deploy not found (pip install scrapyd-client)" >&2; exit 1; }
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/govaudit-egg-XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp -r "$ROOT/govaudit" "$STAGE/govaudit"
find "$STAGE" -name __pycache__ -prune -exec rm -rf {} +
cp "$HERE/setup.py" "$STAGE/setup.py"
cp "$CFG" "$STAGE/scrapy.cfg"
cd "$STAGE"
"$DEPLOY" "$@"
