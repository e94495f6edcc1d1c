"""The tool wrappers: start-up probe, per-call thread limit, per-page timeout.

Fake ``tesseract`` programs (small shell scripts) stand in for a missing language, a hanging
engine or a spy on the environment; the real one does the work otherwise.
"""

from __future__ import annotations

import random
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.runner import ocr_document
from pipeline.tools import tesseract
from pipeline.tools.probe import probe_tools
from schemas.errors import OcrTimeout, ToolMissing
from schemas.fields import DocType
from schemas.ocr import PageStatus
from schemas.settings import OcrSettings, Settings
from sohoa.cli import app
from sohoa.samples import build_document, render, write_multipage_tiff
from tests.samples_helpers import make_scan

REAL = shutil.which("tesseract") or "tesseract"


def fake_tesseract(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-tesseract"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_probe_reports_versions() -> None:
    versions = probe_tools(OcrSettings())
    assert versions.tesseract.startswith("tesseract 5")
    assert {"vie", "osd"} <= set(versions.languages)
    assert "pdftoppm" in versions.poppler


def test_missing_tesseract_is_a_startup_error() -> None:
    with pytest.raises(ToolMissing) as caught:
        probe_tools(OcrSettings(tesseract_cmd="tesseract-khong-co"))
    assert "apt-get install tesseract-ocr" in caught.value.detail


def test_missing_vietnamese_data_is_a_startup_error(tmp_path: Path) -> None:
    cmd = fake_tesseract(
        tmp_path,
        'if [ "$1" = "--list-langs" ]; then printf "List of languages (2):\\neng\\nosd\\n";'
        ' else echo "tesseract 5.3.0"; fi',
    )
    with pytest.raises(ToolMissing) as caught:
        probe_tools(OcrSettings(tesseract_cmd=cmd, languages="vie+eng"))
    assert "tesseract-ocr-vie" in caught.value.detail
    assert "tesseract-ocr-eng" not in caught.value.detail


def test_missing_poppler_is_a_startup_error(tmp_path: Path) -> None:
    empty = tmp_path / "no-poppler"
    empty.mkdir()
    with pytest.raises(ToolMissing) as caught:
        probe_tools(OcrSettings(poppler_path=str(empty)))
    assert "poppler-utils" in caught.value.detail


def test_cli_exits_3_when_a_tool_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = make_scan(tmp_path, DocType.ID_CARD)
    monkeypatch.setenv("SOHOA_OCR__TESSERACT_CMD", "tesseract-khong-co")
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 3
    assert "tool_missing" in result.output


def test_thread_limit_is_passed_per_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    spy = tmp_path / "env.txt"
    cmd = fake_tesseract(tmp_path, f'echo "$OMP_THREAD_LIMIT" > {spy}; exit 1')
    config = tesseract.TesseractConfig(cmd=cmd, omp_thread_limit=1)
    tesseract.detect_orientation(tmp_path / "x.png", config)
    assert spy.read_text().strip() == "1"


def test_hanging_tesseract_times_out(tmp_path: Path) -> None:
    config = tesseract.TesseractConfig(cmd=fake_tesseract(tmp_path, "sleep 30"), timeout_seconds=1)
    with pytest.raises(OcrTimeout):
        tesseract.recognize(tmp_path / "x.png", tmp_path / "x", config, pdf=False)


@pytest.mark.ocr
def test_a_page_that_hangs_is_marked_and_the_rest_continues(tmp_path: Path) -> None:
    """Page 2 of 3 hangs past the timeout: it is marked, pages 1 and 3 are read."""
    docs = [build_document(DocType.ID_CARD, random.Random(i), "cmnd") for i in range(3)]
    path = write_multipage_tiff([render(d) for d in docs], tmp_path / "three.tiff")
    cmd = fake_tesseract(
        tmp_path, f'case "$1" in *page-0002*) sleep 30;; *) exec {REAL} "$@";; esac'
    )
    settings = Settings.rooted_at(tmp_path / "data")
    settings.ocr.tesseract_cmd = cmd
    settings.ocr.in_process = False  # the program's own time-out (a retry after a crash runs so)
    settings.ocr.page_timeout_seconds = 3
    done = ocr_document(path, tmp_path / "scratch", settings)
    assert [p.status for p in done.ocr.pages] == [
        PageStatus.OK,
        PageStatus.TIMEOUT,
        PageStatus.OK,
    ]
    assert docs[2].fields["id_number"] in done.ocr.pages[2].text
