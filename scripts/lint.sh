#!/usr/bin/env bash
# `make lint`: ruff (check and format), the import contracts of .importlinter,
# mypy on the pure packages and `makemigrations --check`. The last two and the
# contract on Saleor's internals need a Saleor tree (as `make test` does); without
# one they are skipped with one loud line, and the rest still runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=scripts/bootstrap.sh

"$B" venv
BIN=$("$B" venv-path)/bin
loud() { printf '\n!!! %s\n\n' "$*" >&2; }

echo "[lint] ruff check" >&2
"$BIN/ruff" check .
echo "[lint] ruff format --check" >&2
"$BIN/ruff" format --check .
echo "[lint] mypy (the pure packages)" >&2
"$BIN/mypy"

if saleor_src=$("$B" saleor-src); then
  export SALEOR_SRC=$saleor_src
  echo "[lint] import contracts (lint-imports)" >&2
  "$BIN/lint-imports"
  echo "[lint] makemigrations --check" >&2
  # No database is needed to compare the models with the migrations.
  DJANGO_SETTINGS_MODULE=tests.settings SEND_USAGE_TELEMETRY=False \
    DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
    "$BIN/python" -W ignore -m django makemigrations amazon_feeds --check --dry-run \
    2> >(grep -v -e 'Warning' -e 'warnings.warn' -e 'authlib' -e 'from authlib' -e '^ \[PID' -e 'compatible before' >&2)
else
  loud "IMPORT CONTRACTS AND MAKEMIGRATIONS --CHECK SKIPPED: no Saleor tree (set SALEOR_SRC or run make test to fetch one)"
fi
echo "[lint] all passed" >&2
