#!/usr/bin/env bash
# The main job: regenerate and verify the five clients, then classify a sample image
# through each of them against local mocks, printing a table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m tools main "$@"
