#!/usr/bin/env bash
# The whole test suite: lint, types, generated code in sync, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
mkdir -p reports

echo "== ruff"
$PY -m ruff check .
$PY -m ruff format --check .
echo "== mypy --strict (image_classify, tools, generated)"
$PY -m mypy
echo "== generated code and lock in sync with specs + overlays"
$PY -m tools regen --check
echo "== pytest"
$PY -m pytest --junitxml=reports/junit.xml "$@"
