#!/usr/bin/env bash
# `make bench`: bootstrap like `make test`, run bench/bench_figures.py (feed build)
# and bench/bench_sync.py (reconciliation, quota, latency, order import) against
# their own database (test_<BENCH_DATABASE>, default test_amazon_feeds_bench,
# created and migrated by pytest-django, kept between runs), print the figures
# and write bench-results/bench.{json,png}.
#
#   BENCH_SIZES=2000,10000 make bench     catalog sizes in variants (default below)
#   BENCH_ORDERS=50                       orders imported for the overhead figure
#   BENCH_FEED_SIZE=10 BENCH_QUOTA_SKUS=105  messages per feed / SKUs of the quota run
#   BENCH_QUOTA_RUNS=3                    quota runs (the figure is the worst)
#   BENCH_DATABASE=amazon_feeds_bench     database name (several checkouts on one server)
#   BENCH_FILES=bench/bench_sync.py       only some of the bench files
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=scripts/bootstrap.sh

"$B" venv
if ! .venv/bin/python -c 'import matplotlib' 2>/dev/null; then
  UV=$(command -v uv || echo "$ROOT/.cache/uv-venv/bin/uv")
  echo "[bench] installing the bench extra (matplotlib)" >&2
  "$UV" pip install --quiet --python .venv/bin/python -e "$ROOT[test,bench]"
fi
if ! SALEOR_SRC=$("$B" saleor-src); then
  echo "[bench] make bench needs a Saleor 3.23.28 tree (see README, Set-up)" >&2
  exit 1
fi
export SALEOR_SRC

cleanup() { "$B" db-down; "$B" redis-down; }
trap cleanup EXIT
export AMAZON_FEEDS_REDIS_URL
AMAZON_FEEDS_REDIS_URL=$("$B" redis-up)
url=$("$B" db-up)
export DATABASE_URL="${url%/*}/${BENCH_DATABASE:-amazon_feeds_bench}"
# The sizes BRIEF section 6 asks for; about 9 minutes on 2 cores.
export BENCH_SIZES=${BENCH_SIZES:-10000,100000}

started=$(date +%s)
BENCH_FILES=${BENCH_FILES:-bench/bench_figures.py bench/bench_incremental.py bench/bench_sync.py}
# shellcheck disable=SC2086
.venv/bin/python -m pytest $BENCH_FILES --reuse-db -s -q \
  -o testpaths=bench "$@"
echo "[bench] make bench took $(($(date +%s) - started))s (BENCH_SIZES=$BENCH_SIZES)" >&2
