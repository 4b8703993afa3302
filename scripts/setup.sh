#!/usr/bin/env bash
# Installs everything the project needs from its own files: a virtualenv with the
# package and its dev extras (pinned in pyproject.toml), and the Prism mock server
# (pinned in package.json + package-lock.json, via npm ci). Safe to run again: each
# step reruns only when its pin file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 or newer is needed (tried '$PYTHON'); set PYTHON=/path/to/python3.11" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  # bench: the peer SDKs that `python -m tools bench peers` measures (its smoke test runs them).
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm (Node 20+) is needed for the Prism mock servers; install Node.js and retry" >&2
  exit 2
fi
npm_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$npm_stamp" ]; then
  # Prism 5.16 declares Node >= 24 in its engines but runs on Node 20 (tested): keep
  # npm from refusing or nagging about it.
  npm ci --no-audit --no-fund --loglevel=error --engine-strict=false
  touch "$npm_stamp"
fi
