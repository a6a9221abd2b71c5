#!/usr/bin/env bash
# The main job: set up (idempotent) and audit the bundled demo province, leaving a report bundle.
# Extra arguments go to `scrapy crawl audit`, e.g.  -a asof=2026-11-20  or  -a rubric=census-2015
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/scrapy crawl audit -a registry=demo "$@"
