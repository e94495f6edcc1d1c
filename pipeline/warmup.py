"""Run the pipeline once on a small made-up page so that a forking worker starts warm.

rq forks a work horse per job: whatever the first run of the pipeline sets up lazily (the
document-type rule modules, NumPy's random generator, Pillow's plugins, the phrase caches, the
gazetteer of places) would otherwise be set up again in every horse and thrown away with it.
Done in the parent before it takes work, every horse inherits it. It also proves the OCR engine
answers before the worker advertises itself.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from pipeline.extract.official_words import load_vocabularies
from pipeline.ocr import OcrEngine
from pipeline.places import load_gazetteer
from pipeline.runner import run_document
from schemas.settings import Settings

_LINES = (
    "GIAY KHAI SINH",
    "Ho va ten: NGUYEN VAN AN",
    "Ngay sinh: 01/02/2003",
    "Noi sinh: Ha Noi",  # a title needs two of its phrases beside it to be trusted
    "Ho, chu dem, ten nguoi me: TRAN THI BINH",
)


def warm_page(path: Path) -> Path:
    """A small 300-dpi page with a few printed lines (ASCII: OpenCV's fonts have no accents)."""
    page = np.full((110 * len(_LINES) + 90, 1400), 255, dtype=np.uint8)
    for row, text in enumerate(_LINES):
        cv2.putText(page, text, (40, 110 + row * 110), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    cv2.imwrite(str(path), page)
    return path


def warm_up(settings: Settings, engine: OcrEngine) -> float:
    """Process the made-up page end to end (nothing is stored); the seconds it took."""
    started = time.perf_counter()
    load_gazetteer()  # the places are read once, here, not in every work horse
    load_vocabularies()  # and the header vocabulary built from them
    with tempfile.TemporaryDirectory(prefix="sohoa-warmup-") as tmp:
        page = warm_page(Path(tmp) / "warm.png")
        run_document(page, Path(tmp) / "work", settings, engine)
    return time.perf_counter() - started
