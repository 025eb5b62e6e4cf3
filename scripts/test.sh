#!/usr/bin/env bash
# Run the tests:  scripts/test.sh [pytest args...]      (no path given: the whole tests/ suite)
#
# Sets up .venv (dev) and the Debian packages, lints with ruff (rules in pyproject.toml; a finding stops the
# run before any test), starts a throwaway PostgreSQL unless DATABASE_URL is already set, points the browser
# tests at Debian's Chromium, and always stops PostgreSQL again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --system

# The whole repository, in about a second; --no-cache so a test run writes nothing into the checkout.
if ! .venv/bin/ruff check --no-cache --quiet .; then
  echo "test.sh: ruff found the problems above; fix them (see [tool.ruff] in pyproject.toml)" >&2
  exit 1
fi

if [ -z "${DATABASE_URL:-}" ]; then
  # shellcheck source=scripts/pg.sh
  source scripts/pg.sh
  trap pg_down EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if pg_up; then
    echo "test.sh: throwaway PostgreSQL on 127.0.0.1:$PGPORT"
  elif [ "${LAO_REQUIRE_ALL:-}" = 1 ]; then
    echo "test.sh: could not start PostgreSQL and LAO_REQUIRE_ALL=1" >&2
    exit 1
  else
    echo "test.sh: no PostgreSQL; tests marked 'postgres' will be skipped" >&2
  fi
fi

if [ -z "${LAO_CHROMIUM:-}" ] && [ -x /usr/bin/chromium ]; then
  export LAO_CHROMIUM=/usr/bin/chromium
fi
export PATH="$PWD/.venv/bin:$PATH"

# Default to tests/ unless some argument is an existing path (or path::test id). The whole suite runs on every
# core (pytest-xdist, at most 4 workers), a file per worker so each module's server and browser start once;
# give -n yourself to choose otherwise (-n 0: one process).
has_path=0 has_n=0
for arg in "$@"; do
  if [ -e "${arg%%::*}" ]; then has_path=1; fi
  case $arg in -n | -n* | --numprocesses*) has_n=1 ;; esac
done
if [ "$has_path" = 0 ]; then
  set -- "$@" tests
  if [ "$has_n" = 0 ]; then set -- -n auto --maxprocesses 4 --dist loadfile "$@"; fi
fi

# Not exec: the EXIT trap must still stop PostgreSQL.
.venv/bin/python -m pytest "$@"
