#!/usr/bin/env bash
# Runs sohoa's benchmarks and prints one table: OCR throughput against bare Tesseract and
# OCRmyPDF, search latency at 10k/100k/1M results on SQLite and PostgreSQL, worker memory on a
# 200-page PDF, drop-folder-to-searchable latency, staff API under load (50/200 simulated clerks).
# See docs/benchmarks.md.
#
#   bash scripts/bench.sh            # full run (about 35 minutes on 2 cores)
#   bash scripts/bench.sh --quick    # a few minutes per benchmark
#   bash scripts/bench.sh --only throughput,intake
#   bash scripts/bench.sh --only load [--quick]   # API load: 1M results (quick: 50k)
#
# Needs Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432 (database test, trust auth);
# override with SOHOA_BENCH_REDIS_URL / SOHOA_BENCH_POSTGRES_URL. Installs what is missing:
# sohoa's own setup, the bench extra (OCRmyPDF) and ghostscript, which OCRmyPDF requires.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if ! command -v gs >/dev/null 2>&1; then
  echo "==> Installing ghostscript (OCRmyPDF needs it)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ghostscript
fi

stamp=.venv/.sohoa-bench-installed
if [ ! -x .venv/bin/ocrmypdf ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing the bench extra (OCRmyPDF)"
  .venv/bin/python -m pip install -q --no-binary tesserocr -e ".[bench]"
  touch "$stamp"
fi

echo "==> Load before the run: $(uptime)"
exec .venv/bin/python -m bench.run_all "$@"
