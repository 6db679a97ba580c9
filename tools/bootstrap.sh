#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the course (pinned versions) into it.
# Idempotent: reinstalls only when pyproject.toml changed. Used by `make lab` / `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed"

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.13 python3.12 python3 python)
  # pyenv or a python.org/uv install that is not on PATH
  for dir in "$HOME"/.pyenv/versions/3.1[2-9]* /usr/local/bin /opt/python/3.1[2-9]*/bin; do
    for exe in "$dir"/bin/python3 "$dir"/python3.1[2-9] "$dir"/python3; do
      [ -x "$exe" ] && candidates+=("$exe")
    done
  done
  for exe in "${candidates[@]}"; do
    if command -v "$exe" >/dev/null 2>&1 &&
       PYENV_VERSION= "$exe" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      PYENV_VERSION= "$exe" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  if ! PY=$(find_python); then
    echo "error: Python 3.12 or newer is needed (mesa 3.5 requires it); install it (python.org, pyenv or your package manager) or set PYTHON=/path/to/python3.12" >&2
    exit 1
  fi
  echo "Creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "Installing the course and its pinned dependencies into $VENV (first time: a few minutes)"
  pip_install() {  # quiet; drops a harmless warning some pip configurations print per package
    local log status=0
    log=$(mktemp)
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >"$log" 2>&1 || status=$?
    grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
    rm -f "$log"
    return "$status"
  }
  pip_install --upgrade pip
  pip_install -e ".[course,test]"
  touch "$STAMP"
fi
