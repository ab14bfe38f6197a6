#!/usr/bin/env bash
# Starts the real server on a fresh demo database for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")"
dir="$(mktemp -d "${TMPDIR:-/tmp}/lp-e2e.XXXXXX")"
bin="${LP_SERVER_BIN:-${CARGO_TARGET_DIR:-../target}/debug/learning-platform}"
echo "e2e: server $bin, database in $dir" >&2
exec "$bin" \
  --database-url "sqlite://$dir/e2e.db?mode=rwc" \
  --bind 127.0.0.1:8091 \
  --public-url http://127.0.0.1:8091 \
  --static-dir ../dist \
  --reminder-interval-secs 2 \
  serve --demo
