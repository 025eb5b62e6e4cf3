#!/usr/bin/env bash
# Run the dashboard:  scripts/run.sh [streamlit args...]     e.g. scripts/run.sh --server.port 8600
#
# Sets up .venv (runtime), builds the national sample database on first run, then starts Streamlit.
# The database is DATABASE_URL if set, else the default SQLite file (LAO_DB_FILE, default data/lao.sqlite;
# it must match the default of `python -m dashboard`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The file test only saves a Python start on later runs; `seed --if-empty` is safe either way.
if [ -n "${DATABASE_URL:-}" ] || [ ! -e "${LAO_DB_FILE:-data/lao.sqlite}" ]; then
  .venv/bin/python -m dashboard seed --if-empty
fi

exec .venv/bin/python -m streamlit run dashboard/app.py "$@"
