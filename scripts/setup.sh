#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian machine for govaudit: system packages (Chromium for rendering and
# report checks, PostgreSQL for the store tests), a virtualenv in .venv, and the project installed into it.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/redis-server ] || need_apt+=(redis-server)  # shared queue of distributed audits (and its test)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)  # CJK glyphs in screenshots
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need_apt[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need_apt[@]}" >/tmp/govaudit-apt.log 2>&1 || {
      apt-get update -q >/tmp/govaudit-apt.log 2>&1 && apt-get install -y -q "${need_apt[@]}" >>/tmp/govaudit-apt.log 2>&1; } \
      || { echo "setup: apt-get install ${need_apt[*]} failed, see /tmp/govaudit-apt.log" >&2; exit 1; }
  else
    echo "setup: please install ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.govaudit-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e ".[dev,distributed]" 2>&1 | grep -v -i "warning" || true
  .venv/bin/python -c "import govaudit, scrapy, scrapy_playwright, sqlalchemy" && touch "$stamp"
fi
