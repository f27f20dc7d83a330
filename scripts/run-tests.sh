#!/usr/bin/env bash
# `make test`: bootstrap what is missing, start throwaway services where none answer,
# run pytest, and stop whatever this script started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=scripts/bootstrap.sh

"$B" venv
cleanup() { "$B" db-down; "$B" redis-down; }
trap cleanup EXIT

export AMAZON_FEEDS_REDIS_URL
AMAZON_FEEDS_REDIS_URL=$("$B" redis-up)

args=()
if saleor_src=$("$B" saleor-src); then
  export SALEOR_SRC=$saleor_src
  export DATABASE_URL
  DATABASE_URL=$("$B" db-up)
  # Keep the migrated test database between runs: the first one takes minutes.
  # CI asks for a fresh one so a database left by half-finished local work can
  # never make it pass or fail.
  args+=(--reuse-db)
  # Saleor's conftest skips tests marked slow unless asked; ours must run.
  args+=(--run-slow)
  [ -n "${AMAZON_FEEDS_FRESH_DB:-}" ] && args+=(--create-db)
fi

set +e
.venv/bin/python -m pytest "${args[@]}" "$@"
status=$?
set -e
# pytest's "no tests collected" must not pass for a green run.
exit $status
