#!/usr/bin/env bash
# Start / stop a throwaway PostgreSQL cluster on 127.0.0.1:55432 for the tests.
#   scripts/pg.sh start   -> prints the SQLAlchemy URL
#   scripts/pg.sh stop
set -euo pipefail
D=${GOVAUDIT_PG_DIR:-/tmp/govaudit-pg}
PORT=${GOVAUDIT_PG_PORT:-55432}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "pg.sh: PostgreSQL is not installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    if [ -f "$D/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$D/data" status >/dev/null 2>&1; then
      :
    else
      rm -rf "$D"; mkdir -p "$D/data" "$D/sock"
      [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$D"
      as_pg "$PGBIN/initdb" -D "$D/data" -U postgres -A trust -E UTF8 --no-locale >"$D/initdb.log" 2>&1
      as_pg "$PGBIN/pg_ctl" -D "$D/data" -l "$D/pg.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $D/sock -c fsync=off -c full_page_writes=off" start >/dev/null
      as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres govaudit
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/govaudit"
    ;;
  stop)
    [ -d "$D/data" ] && as_pg "$PGBIN/pg_ctl" -D "$D/data" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
