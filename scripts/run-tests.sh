#!/usr/bin/env bash
# `make test`: bootstrap what is missing, start throwaway services where none answer,
# build the dashboard extension when stale, run its component tests and pytest
# (including the browser tests), and stop whatever this script started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=scripts/bootstrap.sh

"$B" venv
# AMAZON_FEEDS_VENV picks another venv, e.g. one per Saleor tree.
PY=$("$B" venv-path)/bin/python
cleanup() { "$B" db-down; "$B" redis-down; }
trap cleanup EXIT

loud() { printf '\n!!! %s\n\n' "$*" >&2; }

# -- the dashboard extension: build (when stale), component tests, browser tools --
# Each part that cannot run says why in one line; as root, what is missing is
# installed, so that CI always runs everything and nothing can rot unseen.
component_status=0
if "$B" node; then
  # The build is what the plugin serves and the browser tests load.
  "$PY" scripts/build_dashboard.py
  export AMAZON_FEEDS_FRONTEND_REQUIRED=1
  if [ -z "${AMAZON_FEEDS_SKIP_COMPONENT_TESTS:-}" ]; then
    echo "[dashboard] component tests (npm test in dashboard-extension)" >&2
    (cd dashboard-extension && npm test --silent -- --reporter=dot) || component_status=$?
  fi
  if "$B" browser; then
    # The browser tests must run, not skip, now that their tools are here.
    export AMAZON_FEEDS_E2E_REQUIRED=1
  else
    loud "DASHBOARD BROWSER TESTS SKIPPED: chromium or tests/e2e/node_modules missing and not root to install them (apt-get install chromium; npm ci in tests/e2e)"
  fi
else
  loud "DASHBOARD EXTENSION NOT BUILT, COMPONENT AND BROWSER TESTS SKIPPED: Node.js >= 20.19 with npm is needed"
fi

export AMAZON_FEEDS_REDIS_URL
AMAZON_FEEDS_REDIS_URL=$("$B" redis-up)

# Amazon's SP-API models: fetched into ~/.cache/amazon-spapi when absent and GitHub
# answers; without them the tests that need them skip, saying so (conftest.py).
"$B" spapi-models || true
if spapi_dir=$("$B" spapi-dir); then
  # Pinned for the whole run: every process the tests start (sandbox, Saleor, Celery)
  # reads this folder, whatever its working directory or HOME.
  export AMAZON_SPAPI_SPEC_DIR=$spapi_dir
fi

args=()
if saleor_src=$("$B" saleor-src); then
  export SALEOR_SRC=$saleor_src
  export DATABASE_URL
  DATABASE_URL=$("$B" db-up)
  # Keep the migrated test database between runs: the first one takes minutes.
  # CI asks for a fresh one so a database left by half-finished local work can
  # never make it pass or fail.
  args+=(--reuse-db)
  # A kept database whose migrations no longer match the code (a migration
  # edited or squashed, another Saleor tree) is built again instead.
  stamp_file=.cache/test-db.$(printf '%s' "$DATABASE_URL" | sha256sum | cut -c1-12).stamp
  stamp=$(cat saleor_amazon_feeds/migrations/*.py "$SALEOR_SRC/saleor/__init__.py" | sha256sum | cut -c1-16)
  if [ -n "${AMAZON_FEEDS_FRESH_DB:-}" ] || [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
    args+=(--create-db)
  fi
fi

set +e
"$PY" -m pytest "${args[@]}" "$@"
status=$?
set -e
# Tests ran (passed or failed), so the database matches the migrations now.
if [ -n "${stamp_file:-}" ] && { [ "$status" = 0 ] || [ "$status" = 1 ]; }; then
  mkdir -p .cache && printf '%s' "$stamp" > "$stamp_file"
fi
if [ "$component_status" != 0 ]; then
  loud "DASHBOARD COMPONENT TESTS FAILED (npm test in dashboard-extension, exit $component_status)"
  [ "$status" = 0 ] && status=$component_status
fi
# pytest's "no tests collected" must not pass for a green run.
exit $status
