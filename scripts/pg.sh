#!/usr/bin/env bash
# Start / stop a throwaway PostgreSQL cluster on loopback for the tests: its own data folder and its own
# free port, so it never meets another cluster on a shared machine.
#   GOVAUDIT_PG_DIR=$(mktemp -d) scripts/pg.sh start   -> prints the SQLAlchemy URL
#   GOVAUDIT_PG_DIR=<same folder> scripts/pg.sh stop   -> stops that cluster and removes its folder
# Without GOVAUDIT_PG_DIR, `start` makes a folder with mktemp and names it on stderr (stop needs it).
# GOVAUDIT_PG_PORT asks for a given port; start fails (exit 1) when it is taken or the server does not start.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "pg.sh: PostgreSQL is not installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
MARK=.govaudit-pg  # only folders holding this file are ever deleted

port_free() {  # can we bind 127.0.0.1:$1 right now?
  python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
fail() {
  echo "pg.sh: $1" >&2
  [ -f "$D/pg.log" ] && tail -5 "$D/pg.log" | sed 's/^/pg.sh:   /' >&2
  exit 1
}

case "${1:-start}" in
  start)
    D=${GOVAUDIT_PG_DIR:-}
    if [ -z "$D" ]; then
      D=$(mktemp -d /tmp/govaudit-pg.XXXXXX)
      echo "pg.sh: cluster in $D (stop it with GOVAUDIT_PG_DIR=$D scripts/pg.sh stop)" >&2
    fi
    mkdir -p "$D"
    if [ -f "$D/port" ] && [ -f "$D/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$D/data" status >/dev/null 2>&1; then
      echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$D/port")/govaudit"  # already running: the same one
      exit 0
    fi
    [ -z "$(ls -A "$D")" ] || [ -f "$D/$MARK" ] || fail "$D is not empty and not a pg.sh folder"
    rm -rf "${D:?}/data" "${D:?}/sock"
    mkdir -p "$D/data" "$D/sock"
    touch "$D/$MARK"
    if [ -n "${GOVAUDIT_PG_PORT:-}" ]; then
      PORT=$GOVAUDIT_PG_PORT
      port_free "$PORT" || fail "port $PORT on 127.0.0.1 is taken (another cluster?); unset GOVAUDIT_PG_PORT for a free one"
    else
      PORT=$(free_port)
    fi
    echo "$PORT" >"$D/port"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$D"
    as_pg "$PGBIN/initdb" -D "$D/data" -U postgres -A trust -E UTF8 --no-locale >"$D/initdb.log" 2>&1 \
      || { tail -5 "$D/initdb.log" >&2; fail "initdb failed in $D/data"; }
    # the server must bind this port itself: if another process took it meanwhile, pg_ctl fails here
    as_pg "$PGBIN/pg_ctl" -D "$D/data" -l "$D/pg.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $D/sock -c fsync=off -c full_page_writes=off" start >/dev/null \
      || fail "PostgreSQL did not start on 127.0.0.1:$PORT (log: $D/pg.log)"
    # through our own socket folder: certainly this cluster
    as_pg "$PGBIN/createdb" -h "$D/sock" -p "$PORT" -U postgres govaudit || fail "createdb failed"
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/govaudit"
    ;;
  stop)
    D=${GOVAUDIT_PG_DIR:-}
    [ -n "$D" ] || { echo "pg.sh stop: set GOVAUDIT_PG_DIR to the folder of the cluster to stop" >&2; exit 1; }
    [ -d "$D/data" ] && as_pg "$PGBIN/pg_ctl" -D "$D/data" -m fast stop >/dev/null 2>&1 || true
    if [ -f "$D/$MARK" ]; then rm -rf "$D"; fi
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop" >&2; exit 2
    ;;
esac
