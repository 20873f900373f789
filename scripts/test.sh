#!/usr/bin/env bash
# The whole test suite: lint, then every test on SQLite, then again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PG_URL=${ATENSI_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ] || [ "$(id -u)" = "0" ]; then
    echo "== installing chromium for the browser tests"
    apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null)
  fi
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

echo "== ruff"
"$VENV/bin/ruff" check .

echo "== tests on SQLite"
"$VENV/bin/pytest" -q "$@"

echo "== tests on PostgreSQL"
ATENSI_TEST_DATABASE_URL="$PG_URL" "$VENV/bin/pytest" -q -m "not browser" "$@"
