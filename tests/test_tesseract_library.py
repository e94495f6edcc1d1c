"""Tesseract loaded once in the worker (tesserocr on the system's libtesseract).

It must be the program's own engine — the same words, boxes and confidences on the same page —
with the per-page time-out and the OpenMP thread limit still in force, and it must step aside
(the program reads the page) whenever that cannot be promised.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from pipeline.ocr import TesseractEngine
from pipeline.tools import tesseract, tesseract_library
from schemas.errors import OcrTimeout
from schemas.fields import DocType
from schemas.ocr import Line
from schemas.settings import OcrSettings
from sohoa.samples import COUNTER
from tests.samples_helpers import make_scan

pytestmark = pytest.mark.ocr
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A degraded 2021 ID card as the engine reads it (BMP), and its ID number."""
    folder = tmp_path_factory.mktemp("card")
    path, doc = make_scan(folder, DocType.ID_CARD, seed=7, profile=COUNTER)
    pixels = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert pixels is not None
    bmp = folder / "card.bmp"
    cv2.imwrite(str(bmp), pixels)
    return bmp, doc.fields["id_number"]


def _words(lines: list[Line]) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    return [
        (w.text, w.confidence, (w.box.left, w.box.top, w.box.width, w.box.height))
        for line in lines
        for w in line.words
    ]


def test_the_library_is_the_program_s_own_engine() -> None:
    """scripts/setup.sh builds tesserocr against the installed libtesseract, so it loads."""
    engine = TesseractEngine(OcrSettings(), in_process=True)
    assert engine.runs_in_process, engine.library_note


def test_library_and_program_read_a_page_identically(
    card: tuple[Path, str], tmp_path: Path
) -> None:
    bmp, id_number = card
    library = TesseractEngine(OcrSettings(), in_process=True)
    program = TesseractEngine(OcrSettings(), in_process=False)
    assert library.runs_in_process and not program.runs_in_process
    read_in, pdf_in = library.recognize(bmp, tmp_path / "in", dpi=600, pdf=True)
    read_out, pdf_out = program.recognize(bmp, tmp_path / "out", dpi=600, pdf=True)
    assert _words(read_in) == _words(read_out)
    assert id_number in " ".join(w.text for line in read_in for w in line.words)
    assert pdf_in is not None and pdf_out is not None
    text_in = PdfReader(pdf_in).pages[0].extract_text()
    assert id_number in text_in.replace(" ", "")
    assert text_in == PdfReader(pdf_out).pages[0].extract_text()


def test_without_pdf_only_words_come_back(card: tuple[Path, str], tmp_path: Path) -> None:
    bmp, id_number = card
    engine = TesseractEngine(OcrSettings(), in_process=True)
    lines, pdf = engine.recognize(bmp, tmp_path / "p", dpi=600, pdf=False)
    assert pdf is None and not (tmp_path / "p.pdf").exists()
    assert id_number in " ".join(w.text for line in lines for w in line.words)


def test_one_engine_reads_many_pages_without_carrying_anything_over(
    card: tuple[Path, str], tmp_path: Path
) -> None:
    bmp, _ = card
    blank = tmp_path / "blank.bmp"
    cv2.imwrite(str(blank), np.full((600, 900), 255, dtype=np.uint8))
    engine = TesseractEngine(OcrSettings(), in_process=True)
    first, _ = engine.recognize(bmp, tmp_path / "a", dpi=600, pdf=True)
    empty, _ = engine.recognize(blank, tmp_path / "b", dpi=300, pdf=True)
    again, _ = engine.recognize(bmp, tmp_path / "c", dpi=600, pdf=True)
    assert empty == []
    assert _words(again) == _words(first)


def test_a_page_over_its_time_is_a_timeout_and_the_engine_goes_on(
    card: tuple[Path, str], tmp_path: Path
) -> None:
    bmp, id_number = card
    library = tesseract_library.load("tesseract", 1)
    hurried = tesseract.TesseractConfig(dpi=600, timeout_seconds=0.05)
    with pytest.raises(OcrTimeout):
        library.recognize(bmp, tmp_path / "late", hurried, pdf=True)
    lines, _ = library.recognize(bmp, tmp_path / "ok", tesseract.TesseractConfig(dpi=600), pdf=True)
    assert id_number in " ".join(w.text for line in lines for w in line.words)


def test_openmp_is_held_to_the_configured_threads() -> None:
    """In a fresh process (as a worker): after loading, libgomp's thread limit is the setting."""
    code = (
        "import os; os.environ.pop('OMP_THREAD_LIMIT', None)\n"
        "from pipeline.tools import tesseract_library as t\n"
        "t.load('tesseract', 1); print(t.omp_thread_limit())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-1] == "1"


def test_threaded_tesseract_is_never_loaded_into_a_forking_worker() -> None:
    """libgomp's threads do not survive fork(): with more than one, the program reads pages."""
    with pytest.raises(tesseract_library.LibraryUnavailable, match="OMP_THREAD_LIMIT=2"):
        tesseract_library.load("tesseract", 2)
    engine = TesseractEngine(OcrSettings(omp_thread_limit=2), in_process=True)
    assert not engine.runs_in_process


def test_another_tesseract_build_is_refused_and_the_program_reads(
    card: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tesserocr wheel carrying its own Tesseract would read differently: not used."""
    monkeypatch.setattr(tesseract, "version", lambda cmd="tesseract": "tesseract 9.9.9")
    with pytest.raises(tesseract_library.LibraryUnavailable, match=r"9\.9\.9"):
        tesseract_library.load("tesseract", 1)
    engine = TesseractEngine(OcrSettings(), in_process=True)
    assert not engine.runs_in_process and "9.9.9" in engine.library_note
    bmp, id_number = card
    lines, _ = engine.recognize(bmp, tmp_path / "p", dpi=600, pdf=False)
    assert id_number in " ".join(w.text for line in lines for w in line.words)


def test_isolated_engine_runs_the_program() -> None:
    engine = TesseractEngine(OcrSettings(), in_process=True)
    assert engine.runs_in_process
    isolated = engine.isolated()
    assert not isolated.runs_in_process and isolated.settings is engine.settings


def test_only_a_forking_worker_loads_the_library(tmp_path: Path) -> None:
    """Embedded defaults run jobs in the watcher's own process: there the program reads."""
    from schemas.settings import Settings
    from workers.services import Services

    services = Services.open(Settings.rooted_at(tmp_path))
    try:
        engine = services.engine
        assert isinstance(engine, TesseractEngine) and not engine.runs_in_process
        services.load_tesseract_once()  # what `sohoa worker` does before forking horses
        loaded = services.engine
        assert isinstance(loaded, TesseractEngine) and loaded.runs_in_process
        services.settings.ocr.in_process = False
        services.load_tesseract_once()
        off = services.engine
        assert isinstance(off, TesseractEngine) and not off.runs_in_process
    finally:
        services.index.dispose()
