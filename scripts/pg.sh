# shellcheck shell=bash
# Throwaway PostgreSQL on a random port, for tests. Source this file, then:
#
#   pg_up && trap pg_down EXIT
#
# pg_up exports DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/app (database "app"
# exists, user "postgres" is a superuser, no password). Data, log and unix socket live in one temp
# dir that pg_down removes. Durability is off: the data is never worth keeping.

_pg_as() { # postgres refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_bindir() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    d=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -n "$d" ] && [ -x "$d/initdb" ] || return 1
  echo "$d"
}

pg_up() {
  local bindir
  bindir=$(_pg_bindir) || { echo "pg.sh: PostgreSQL server binaries (initdb) not found" >&2; return 1; }
  # /tmp, not $TMPDIR: the postgres user must be able to reach the directory
  PGTMP=$(mktemp -d /tmp/lao-pg.XXXXXX)
  PG_BINDIR=$bindir
  export PGTMP PG_BINDIR
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PGTMP"; fi
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pg_as "$bindir/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PGTMP/initdb.log" 2>&1 || { cat "$PGTMP/initdb.log" >&2; pg_down; return 1; }
  _pg_as "$bindir/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$PGTMP/server.log" >&2; pg_down; return 1; }
  "$bindir/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -c 'CREATE DATABASE app' >/dev/null \
    || { pg_down; return 1; }
  export PGPORT DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/app"
}

pg_down() {
  [ -n "${PGTMP:-}" ] || return 0
  if [ -f "$PGTMP/data/postmaster.pid" ]; then
    _pg_as "$PG_BINDIR/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGTMP"
  unset PGTMP
}
