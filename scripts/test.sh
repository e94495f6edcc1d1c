#!/usr/bin/env bash
# Sets everything up (system packages, .venv) and runs the checks: ruff, mypy, pytest.
# Tests that need Redis (127.0.0.1:6379) or PostgreSQL (127.0.0.1:5432) use the real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
.venv/bin/pytest "$@"
