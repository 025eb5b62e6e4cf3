#!/usr/bin/env bash
# Run the dashboard:  scripts/run.sh [streamlit args...]     e.g. scripts/run.sh --server.port 8600
#
# Sets up .venv (runtime), builds the national sample database on first run (and brings an existing
# database's schema up to date), then starts Streamlit with its HTTP routes on one port.
# The database is DATABASE_URL if set, else the default SQLite file (LAO_DB_FILE, default data/lao.sqlite;
# it must match the default of `python -m dashboard`).
#
# It listens on this machine only (127.0.0.1, .streamlit/config.toml). To serve other machines, put it behind
# a reverse proxy with HTTPS (scripts/serve.sh starts nginx in front of several processes), or, on a trusted
# network only, listen on every interface: scripts/run.sh --server.address 0.0.0.0
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The file test only saves a Python start on later runs; `seed --if-empty` is safe either way.
if [ -n "${DATABASE_URL:-}" ] || [ ! -e "${LAO_DB_FILE:-data/lao.sqlite}" ]; then
  .venv/bin/python -m dashboard seed --if-empty
fi

exec .venv/bin/python -m streamlit run dashboard/app.py "$@"
