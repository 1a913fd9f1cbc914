#!/usr/bin/env bash
# A throw-away PostgreSQL for central's tests: start | stop | url | status.
#
# Listens only on 127.0.0.1:${PGPORT:-55432}; trust auth for loopback; database
# ventanilla_central_test owned by role ventanilla. Idempotent: `start` on a running server
# only makes sure the role and database exist.
#
# As root (CI, fresh machines) the cluster runs as the `postgres` OS user in
# /tmp/ventanilla-pg-$PORT (a checkout may not be readable by that user); otherwise it runs as
# the current user in .deps/pgdata. VENTANILLA_PGDATA overrides the data directory.
set -euo pipefail

PORT="${PGPORT:-55432}"
HOST=127.0.0.1
DB=ventanilla_central_test
ROLE=ventanilla
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "$(id -u)" -eq 0 ]; then
  DATA="${VENTANILLA_PGDATA:-/tmp/ventanilla-pg-$PORT}"
  RUN_AS=(runuser -u postgres --)
else
  DATA="${VENTANILLA_PGDATA:-$REPO/.deps/pgdata}"
  RUN_AS=()
fi
SOCKET_DIR="$DATA"
LOG="$DATA/server.log"

url() { echo "postgresql+psycopg://$ROLE@$HOST:$PORT/$DB"; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then return 1; fi
  echo "$dir"
}

install_postgres() {
  echo "postgres.sh: installing the Debian postgresql package" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    postgresql >/dev/null
}

as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }

ready() { "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 2 >/dev/null 2>&1; }

init_cluster() {
  if [ -d "$DATA" ] && [ -n "$(ls -A "$DATA")" ]; then
    # Left over by an interrupted initdb: only our default location is wiped automatically.
    if [ "$DATA" = "/tmp/ventanilla-pg-$PORT" ]; then rm -rf "$DATA"; else
      echo "postgres.sh: $DATA is not empty and holds no cluster; remove it" >&2; exit 1
    fi
  fi
  mkdir -p "$DATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$DATA"; fi
  chmod 700 "$DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >/dev/null 2>&1 || as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 \
    --locale=C >/dev/null
  cat >>"$DATA/postgresql.conf" <<EOF

# ventanilla test cluster (scripts/postgres.sh)
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
max_connections = 100
EOF
  cat >"$DATA/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$DATA/pg_hba.conf"; fi
}

psql_admin() {
  as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d postgres "$@"
}

ensure_db() {
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB"
  fi
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
  fi
}

start() {
  BIN="$(pg_bin)" || { install_postgres; BIN="$(pg_bin)"; }
  exec 9>"/tmp/ventanilla-pg-$PORT.lock"
  flock 9
  if ! ready; then
    [ -f "$DATA/PG_VERSION" ] || init_cluster
    # 9>&-: the server must not inherit the lock (nor the caller's stdout).
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start </dev/null >/dev/null 9>&- \
      || { echo "postgres.sh: server did not start; log:" >&2; tail -n 20 "$LOG" >&2; exit 1; }
  fi
  ensure_db
  echo "PostgreSQL ready: $(url)" >&2
}

stop() {
  BIN="$(pg_bin)" || exit 0
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  status) BIN="$(pg_bin)" && ready && echo "running: $(url)" || { echo "not running"; exit 1; } ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
