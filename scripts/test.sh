#!/usr/bin/env bash
# The test command: sets up the machine (idempotent), starts a throwaway PostgreSQL on loopback,
# lints, type-checks the core, and runs the whole test suite. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python

# a throwaway cluster in its own folder on a free port; pg.sh stop finds it through GOVAUDIT_PG_DIR
export GOVAUDIT_PG_DIR GOVAUDIT_TEST_PG_URL
GOVAUDIT_PG_DIR=$(mktemp -d /tmp/govaudit-pg.XXXXXX)
trap 'bash scripts/pg.sh stop' EXIT
GOVAUDIT_TEST_PG_URL=$(bash scripts/pg.sh start)
# under CI the PostgreSQL tests must run, not skip
[ "${CI:-}" = "true" ] && export GOVAUDIT_REQUIRE_PG=1

echo "== ruff"; .venv/bin/ruff check govaudit tests scripts
echo "== mypy (govaudit)"; .venv/bin/mypy --no-error-summary || { echo "mypy failed"; exit 1; }
echo "== pytest"
set +e
$PY -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit $rc
