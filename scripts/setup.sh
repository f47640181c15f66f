#!/usr/bin/env bash
# Install everything Full Picture needs into ./.venv and ./node_modules.
# Used by the README's two commands and by CI. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
npm ci --no-audit --no-fund --loglevel=error
