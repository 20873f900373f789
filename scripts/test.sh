#!/usr/bin/env bash
# The whole test suite: lint, the bundles, then every test on SQLite, then again on PostgreSQL.
# With no PostgreSQL reachable it starts a throwaway server for the run (scripts/throwaway_postgres.sh).
# In CI (CI=true) or where npm is present, the bundles are rebuilt and must equal the committed ones.
# Arguments go to pytest: scripts/test.sh tests/engine -x
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PG_URL=${ATENSI_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
# shellcheck source=scripts/throwaway_postgres.sh
. scripts/throwaway_postgres.sh

as_root_or_ci() { [ "${CI:-}" = "true" ] || [ "$(id -u)" = "0" ]; }

if [ ! -x /usr/bin/chromium ] && as_root_or_ci; then
  echo "== installing chromium for the browser tests"
  apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null)
fi

# tests/hosts/test_several_hosts.py: hosts in network namespaces (root only), the second API host and
# worker through PgBouncer, the login limits in Redis; it skips (or leaves those parts out) when missing.
if [ "$(id -u)" = "0" ]; then
  missing=""
  command -v ip >/dev/null || missing="$missing iproute2"
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing="$missing pgbouncer"
  command -v redis-server >/dev/null || missing="$missing redis-server"
  if [ -n "$missing" ]; then
    echo "== installing$missing for the several-hosts test"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 \
      || (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
          --no-install-recommends $missing >/dev/null) || echo "   (not installed: the test will say why it skips)"
  fi
fi

if ! pg_reachable "$PG_URL"; then
  if [ -n "${ATENSI_TEST_PG_URL:-}" ]; then
    echo "ATENSI_TEST_PG_URL=$ATENSI_TEST_PG_URL is not reachable; unset it to use a throwaway server" >&2
    exit 1
  fi
  trap pg_stop_throwaway EXIT
  pg_start_throwaway
fi

echo "== ruff"
"$VENV/bin/ruff" check .

if [ "${CI:-}" = "true" ] || command -v npm >/dev/null; then
  scripts/check_bundles_rebuild.sh
fi

if [ -x /usr/bin/chromium ]; then
  echo "== bundles in the browser (web/frontend/check_bundle.py)"
  report=$("$VENV/bin/python" web/frontend/check_bundle.py --out test-artifacts/frontend 2>&1) \
    || { echo "$report" | grep -v "^ok " >&2; exit 1; }
else
  echo "== no /usr/bin/chromium: the bundles' browser check and the browser tests are skipped"
fi

echo "== tests on SQLite"
"$VENV/bin/pytest" -q "$@"

echo "== tests on PostgreSQL (those that use the database)"
ATENSI_TEST_DATABASE_URL="$PG_URL" "$VENV/bin/pytest" -q -m "database and not browser" "$@"
