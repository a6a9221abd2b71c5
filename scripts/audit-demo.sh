#!/usr/bin/env bash
# The main job: set up (idempotent) and audit the bundled demo province, leaving a report bundle.
# `python -m govaudit.demo audit` serves the province on 127.0.x.y:18080 (GOVAUDIT_DEMO_PORT), writes its
# registry to var/demo/registry.csv, runs `scrapy crawl audit` on it and stops serving.
# Extra arguments go to `scrapy crawl audit`, e.g.  -a asof=2026-11-20  or  -a rubric=census-2015
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m govaudit.demo audit -- "$@"
