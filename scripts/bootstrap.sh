#!/usr/bin/env bash
# Bootstraps the development environment step by step; every step is idempotent and
# cheap when nothing changed, so `make test` can call all of them every time.
#
#   scripts/bootstrap.sh venv       Python 3.12 venv ($AMAZON_FEEDS_VENV, default .venv) with
#                                   Saleor's locked deps + plugin
#   scripts/bootstrap.sh venv-path  print that venv's folder
#   scripts/bootstrap.sh saleor     make sure a Saleor tree is at $SALEOR_SRC (clone if reachable)
#   scripts/bootstrap.sh spapi-models  fetch Amazon's SP-API models into ~/.cache/amazon-spapi
#                                   when no spec folder is found and GitHub is reachable
#   scripts/bootstrap.sh spapi-dir  print the spec folder the tests will use, if any
#   scripts/bootstrap.sh db-up      print a DATABASE_URL, starting a throwaway cluster if needed
#   scripts/bootstrap.sh db-down    stop the throwaway cluster if this project started it
#   scripts/bootstrap.sh redis-up   print a Redis URL, starting a throwaway server if needed
#   scripts/bootstrap.sh redis-down stop the throwaway Redis if this project started it
#   scripts/bootstrap.sh node       succeed when Node.js >= 20.19 and npm are there
#   scripts/bootstrap.sh browser    chromium and tests/e2e/node_modules, installed as root
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# SALEOR_SRC may name any Saleor 3.23+ tree. A missing tree is cloned only at the default
# place or when SALEOR_VERSION (a tag or branch) is given, so a folder you point at is never
# filled with a release you did not ask for.
SALEOR_VERSION_GIVEN=${SALEOR_VERSION:+1}
SALEOR_VERSION=${SALEOR_VERSION:-3.23.28}
SALEOR_SRC=${SALEOR_SRC:-$HOME/.cache/saleor/$SALEOR_VERSION}
SALEOR_GIT=${SALEOR_GIT:-https://github.com/saleor/saleor}
# One venv per Saleor tree lets two Saleor versions be tested side by side
# (AMAZON_FEEDS_VENV=.venv-main SALEOR_SRC=... make test); relative paths are the checkout's.
VENV=${AMAZON_FEEDS_VENV:-.venv}
case $VENV in /*) ;; *) VENV=$ROOT/$VENV ;; esac
CACHE=$ROOT/.cache
LOCAL=$ROOT/.local
PG_PORT=${AMAZON_FEEDS_PG_PORT:-55432}
REDIS_PORT=${AMAZON_FEEDS_REDIS_PORT:-56379}

log() { printf '[bootstrap] %s\n' "$*" >&2; }

saleor_present() { [ -f "$SALEOR_SRC/uv.lock" ] && [ -d "$SALEOR_SRC/saleor" ]; }

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then UV=$(command -v uv); return; fi
  UV=$CACHE/uv-venv/bin/uv
  if [ ! -x "$UV" ]; then
    log "installing uv into $CACHE/uv-venv"
    mkdir -p "$CACHE"
    python3 -m venv "$CACHE/uv-venv"
    "$CACHE/uv-venv/bin/pip" install --quiet uv
  fi
}

find_python312() {
  local candidate
  for candidate in \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 \
    /usr/bin/python3.12 /usr/local/bin/python3.12; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  if candidate=$("$UV" python find --python-preference only-system 3.12 2>/dev/null); then
    echo "$candidate"; return
  fi
  log "no Python 3.12 found; asking uv to download one"
  "$UV" python install 3.12 >&2
  "$UV" python find 3.12
}

file_hash() { { cat "$@" 2>/dev/null || true; } | sha256sum | cut -c1-16; }

step_saleor() {
  if saleor_present; then return; fi
  if [ -z "$SALEOR_VERSION_GIVEN" ] && [ "$SALEOR_SRC" != "$HOME/.cache/saleor/$SALEOR_VERSION" ]; then
    log "no Saleor tree at SALEOR_SRC=$SALEOR_SRC (set SALEOR_VERSION to a tag or branch to clone one there): the Saleor suite will be skipped"
    return
  fi
  if command -v git >/dev/null 2>&1 &&
    timeout 20 git ls-remote --exit-code "$SALEOR_GIT" "refs/tags/$SALEOR_VERSION" "refs/heads/$SALEOR_VERSION" >/dev/null 2>&1; then
    log "cloning Saleor $SALEOR_VERSION into $SALEOR_SRC"
    mkdir -p "$(dirname "$SALEOR_SRC")"
    git clone --quiet --depth 1 --branch "$SALEOR_VERSION" "$SALEOR_GIT" "$SALEOR_SRC"
  else
    log "no Saleor tree at $SALEOR_SRC and $SALEOR_GIT is unreachable: the Saleor suite will be skipped"
  fi
}

step_venv() {
  ensure_uv
  mkdir -p "$CACHE"
  if [ ! -x "$VENV/bin/python" ] ||
    ! "$VENV/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    local py
    py=$(find_python312)
    log "creating $VENV with $py"
    rm -rf "$VENV"
    "$UV" venv --quiet --python "$py" "$VENV"
  fi
  local site stamp
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  mkdir -p "$VENV/.stamps"

  if saleor_present; then
    stamp=$(file_hash "$SALEOR_SRC/uv.lock")
    if [ "$(cat "$VENV/.stamps/saleor-deps" 2>/dev/null)" != "$stamp" ]; then
      log "installing Saleor's locked dependencies from $SALEOR_SRC/uv.lock"
      # Kept in the venv, so two venvs bootstrapping at once do not share the file.
      "$UV" export --quiet --frozen --project "$SALEOR_SRC" --all-groups --no-hashes \
        --no-emit-project --format requirements-txt -o "$VENV/.stamps/saleor-requirements.txt"
      "$UV" pip install --quiet --python "$VENV/bin/python" -r "$VENV/.stamps/saleor-requirements.txt"
      echo "$stamp" >"$VENV/.stamps/saleor-deps"
      rm -f "$VENV/.stamps/plugin"
    fi
    # Saleor is not a distributable package (its pyproject says `package = false`):
    # it is used in place from its source tree.
    echo "$SALEOR_SRC" >"$site/saleor_src.pth"
  else
    rm -f "$site/saleor_src.pth"
  fi

  stamp=$(file_hash "$ROOT/setup.cfg" "$ROOT/pyproject.toml" "$VENV/.stamps/saleor-deps")
  if [ "$(cat "$VENV/.stamps/plugin" 2>/dev/null)" != "$stamp" ]; then
    log "installing saleor-amazon-feeds (editable) with its test extras"
    "$UV" pip install --quiet --python "$VENV/bin/python" -e "$ROOT[test]"
    echo "$stamp" >"$VENV/.stamps/plugin"
  fi
}

# Amazon's SP-API models: `python -m saleor_amazon_feeds.spapi_spec` knows where they
# are looked for and which commit to fetch. It needs only the standard library, so any
# Python 3 runs it before the venv exists.
spapi_spec() {
  local py=python3
  [ -x "$VENV/bin/python" ] && py=$VENV/bin/python
  PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH} "$py" -m saleor_amazon_feeds.spapi_spec "$@"
}

step_spapi_models() { spapi_spec fetch; }

step_spapi_dir() { spapi_spec dir; }

pg_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  for dir in /usr/local/bin /opt/homebrew/bin /usr/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  return 1
}

# PostgreSQL refuses to run as root: run its tools as the `postgres` system user then.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

step_db_up() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 &&
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    echo "postgres://postgres@127.0.0.1:5432/saleor_amazon_feeds"; return
  fi
  local bindir data=$LOCAL/pg
  bindir=$(pg_bindir) || { log "PostgreSQL 15+ is needed: install it or set DATABASE_URL"; exit 1; }
  mkdir -p "$LOCAL"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a throwaway PostgreSQL cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data" && chmod 700 "$data"
    as_pg_owner "$bindir/initdb" -D "$data" -U postgres -A trust >/dev/null
  fi
  if ! as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg_owner "$bindir/pg_ctl" -D "$data" -w -l "$data/server.log" \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    touch "$LOCAL/pg.started-by-us"
  fi
  echo "postgres://postgres@127.0.0.1:$PG_PORT/saleor_amazon_feeds"
}

step_db_down() {
  [ -f "$LOCAL/pg.started-by-us" ] || return 0
  local bindir
  bindir=$(pg_bindir) || return 0
  as_pg_owner "$bindir/pg_ctl" -D "$LOCAL/pg" -m fast stop >/dev/null 2>&1 || true
  rm -f "$LOCAL/pg.started-by-us"
}

redis_answers() {
  "$VENV/bin/python" - "$1" <<'PY' 2>/dev/null
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
PY
}

step_redis_up() {
  local url=${AMAZON_FEEDS_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379/0}}
  if redis_answers "$url"; then echo "$url"; return; fi
  command -v redis-server >/dev/null 2>&1 || { log "Redis is needed: install redis-server or set AMAZON_FEEDS_REDIS_URL"; exit 1; }
  mkdir -p "$LOCAL/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$LOCAL/redis" --pidfile "$LOCAL/redis/redis.pid" --logfile "$LOCAL/redis/redis.log" >&2
  touch "$LOCAL/redis.started-by-us"
  url="redis://127.0.0.1:$REDIS_PORT/0"
  for _ in $(seq 50); do redis_answers "$url" && break; sleep 0.1; done
  echo "$url"
}

step_redis_down() {
  [ -f "$LOCAL/redis.started-by-us" ] || return 0
  kill "$(cat "$LOCAL/redis/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -f "$LOCAL/redis.started-by-us"
}

step_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  # Vite 8, which the dashboard extension builds with, needs 20.19 or newer.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}

CHROMIUM=${AMAZON_FEEDS_CHROMIUM:-/usr/bin/chromium}

# Debian's chromium (not a browser build downloaded by a test tool) and the
# end-to-end tests' npm packages (playwright-core only, no browser download).
step_browser() {
  local e2e=$ROOT/tests/e2e
  if [ ! -x "$CHROMIUM" ]; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    log "installing Debian's chromium (apt-get install chromium)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >&2 ||
      { log "apt-get install chromium failed"; exit 1; }
  fi
  local hidden=$e2e/node_modules/.package-lock.json
  if [ ! -f "$hidden" ] || [ "$e2e/package-lock.json" -nt "$hidden" ]; then
    log "npm ci in tests/e2e (playwright-core)"
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) >&2 || { log "npm ci in tests/e2e failed"; exit 1; }
  fi
}

case "${1:-}" in
  venv) step_saleor; step_venv ;;
  saleor) step_saleor ;;
  db-up) step_db_up ;;
  db-down) step_db_down ;;
  redis-up) step_redis_up ;;
  redis-down) step_redis_down ;;
  saleor-src) saleor_present && echo "$SALEOR_SRC" ;;
  venv-path) echo "$VENV" ;;
  spapi-models) step_spapi_models ;;
  spapi-dir) step_spapi_dir ;;
  node) step_node ;;
  browser) step_browser ;;
  *) echo "usage: $0 venv|venv-path|saleor|db-up|db-down|redis-up|redis-down|saleor-src|spapi-models|spapi-dir|node|browser" >&2; exit 2 ;;
esac
