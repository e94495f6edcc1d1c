#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs the end-to-end demo on embedded defaults
# (local folder storage, SQLite index, jobs in-process) over generated sample scans.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/sohoa demo "$@"
