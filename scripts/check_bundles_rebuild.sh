#!/usr/bin/env bash
# Rebuild the browser bundles from web/frontend into a temporary folder and fail when they differ
# from the committed web/static/build/ (someone changed the sources and did not commit the build).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  echo "== installing nodejs and npm (apt-get) to rebuild the bundles"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/atensi-build.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "== rebuilding the bundles from web/frontend (npm ci && npm run build) and comparing them"
(cd web/frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
  && ATENSI_BUILD_OUT="$out" npm run build --silent >/dev/null)
if ! diff -r -q "$out" web/static/build; then
  echo "web/static/build/ differs from a build of web/frontend: run 'cd web/frontend && npm run build'" \
    "and commit web/static/build/" >&2
  exit 1
fi
