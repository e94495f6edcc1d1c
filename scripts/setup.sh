#!/usr/bin/env bash
# Installs everything sohoa needs on a fresh Debian/Ubuntu machine: system packages (when
# missing, via apt-get as root or sudo), a virtual environment in .venv, sohoa and its dev tools.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then need_apt+=(tesseract-ocr-vie); fi
if ! tesseract --list-langs 2>/dev/null | grep -qx osd; then need_apt+=(tesseract-ocr-osd); fi
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# tesserocr (Tesseract loaded once per worker) is built against the system's libtesseract, so
# that it is the very engine the program is: its headers, pkg-config and a C++ compiler.
pkg-config --exists tesseract lept 2>/dev/null || need_apt+=(libtesseract-dev libleptonica-dev pkg-config)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need_apt+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need_apt+=(fonts-dejavu-core)
# More typefaces with full Vietnamese for the sample generator: Liberation (Times New Roman
# metrics, the font of official documents) and Noto.
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need_apt+=(fonts-liberation2)
[ -f /usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf ] || need_apt+=(fonts-noto-core)
# Z003, a chancery script: the generator's handwritten document numbers and days.
[ -f /usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf ] || need_apt+=(fonts-urw-base35)
{ command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
command -v redis-server >/dev/null 2>&1 || true  # optional: only for the real-service setup

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.sohoa-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing sohoa and its Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  # --no-binary: PyPI's tesserocr wheels carry their own, different Tesseract build.
  .venv/bin/python -m pip install -q --no-binary tesserocr -e ".[dev]"
  touch "$stamp"
fi
