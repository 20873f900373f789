# Sourced by scripts/test.sh: a PostgreSQL server for one test run when none is reachable.
# It installs Debian's postgresql when its binaries are missing, creates a cluster in a temporary
# folder, starts it as a non-root user on a free loopback port, and removes it at the end.

PG_SCRATCH=""

pg_reachable() {  # URL: can we log in within 3 s?
  "$VENV/bin/python" - "$1" <<'EOF' 2>/dev/null
import sys

import psycopg

psycopg.connect(sys.argv[1].replace("+psycopg", "", 1), connect_timeout=3).close()
EOF
}

pg_bindir() {  # the newest installed server's bin folder, or nothing
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_install() {
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    command -v sudo >/dev/null || { echo "PostgreSQL is not installed: apt-get install postgresql (as root), or set ATENSI_TEST_PG_URL" >&2; return 1; }
    sudo="sudo"
  fi
  echo "== installing PostgreSQL (apt-get install postgresql)"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

pg_owner() {  # the non-root user that runs the throwaway server
  if [ "$(id -u)" != "0" ]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    useradd --system --no-create-home --shell /usr/sbin/nologin atensi-pg >/dev/null && echo atensi-pg
  fi
}

pg_free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_stop_throwaway() {
  [ -n "$PG_SCRATCH" ] || return 0
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_SCRATCH/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_SCRATCH"
  PG_SCRATCH=""
}

as_pg_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u "$PG_OWNER" -- "$@"; else "$@"; fi
}

# Sets PG_URL to a fresh server's `test` database; the caller traps pg_stop_throwaway on EXIT.
pg_start_throwaway() {
  PG_BIN=$(pg_bindir)
  if [ -z "$PG_BIN" ]; then pg_install; PG_BIN=$(pg_bindir); fi
  PG_OWNER=$(pg_owner)
  PG_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/atensi-pg.XXXXXX")
  chown "$PG_OWNER" "$PG_SCRATCH"
  local port
  port=$(pg_free_port)
  as_pg_owner "$PG_BIN/initdb" -D "$PG_SCRATCH/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PG_SCRATCH/initdb.log" 2>&1 || { cat "$PG_SCRATCH/initdb.log" >&2; return 1; }
  # fsync off: the data is thrown away at the end of the run anyway
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_SCRATCH/data" -l "$PG_SCRATCH/server.log" -w -t 30 \
    -o "-p $port -k $PG_SCRATCH -c listen_addresses=127.0.0.1 -c fsync=off" start \
    >/dev/null || { cat "$PG_SCRATCH/server.log" >&2; return 1; }
  as_pg_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres test
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/test"
  echo "== no PostgreSQL reachable: started a throwaway server on 127.0.0.1:$port ($($PG_BIN/postgres --version | awk '{print $3}'), in $PG_SCRATCH, removed at the end)"
}
