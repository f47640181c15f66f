#!/usr/bin/env bash
# Run the whole test suite: lint, types, the import layers, then pytest (browser tests included).
# DATABASE_URL=postgres://... runs the same suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "Debian's chromium is needed for the browser tests: apt-get install chromium" >&2
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    exit 1
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
