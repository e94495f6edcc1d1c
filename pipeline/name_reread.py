"""The edge of ``name_choice``: cut a doubted name out of its page and read it with choices.

Only names the name model doubts are read again (a few per hundred documents), so the extra
Tesseract call costs little on the whole.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from pipeline.name_choice import NameChoice, choose_name
from pipeline.name_second_reader import SECOND_READER, second_opinion
from pipeline.tools import aster, tesseract
from schemas.errors import SohoaError
from schemas.fields import Extraction
from schemas.ocr import Box
from schemas.settings import OcrSettings

log = logging.getLogger(__name__)

CHOSEN = "name.chosen_from_alternatives"


def _crop(page: np.ndarray, box: Box, horizontal: int, vertical: int) -> np.ndarray:
    return page[
        max(0, box.top - vertical) : box.top + box.height + vertical,
        max(0, box.left - horizontal) : box.left + box.width + horizontal,
    ]


def _tesseract_choice(
    value: str, crop: np.ndarray, path: Path, config: tesseract.TesseractConfig
) -> NameChoice | None:
    cv2.imwrite(str(path), crop)
    try:
        return choose_name(value, tesseract.character_choices(path, config))
    finally:
        path.unlink(missing_ok=True)


def _second_reading(value: str, page: np.ndarray, box: Box) -> str | None:
    """The second reader's name, on a tight crop: a tall one brings the marks of the lines
    above and below (LÊ read LỄ)."""
    reader = aster.shared_reader()
    if reader is None:
        return None
    crop = _crop(page, box, max(4, box.height // 4), max(2, box.height // 8))
    if crop.size == 0:
        return None
    try:
        reading = reader.read(crop)
    except Exception as error:  # onnxruntime raises its own Exception subclasses: never fatal
        log.warning("Bộ đọc tên thứ hai lỗi / second name reader failed: %s", error)
        return None
    return second_opinion(value, reading)


def reread_doubted_names(
    extraction: Extraction, page_images: dict[int, Path], scratch: Path, settings: OcrSettings
) -> Extraction:
    """The extraction with each doubted name re-marked where Tesseract proposed a known name,
    or where the second reader read the same letters as a known name."""
    config = tesseract.config_for(settings)
    fields = dict(extraction.fields)
    reasons = list(extraction.review_reasons)
    for name, field in extraction.fields.items():
        doubted = f"{name}:name_uncertain" in extraction.review_reasons
        if not doubted or field.box is None or field.page not in page_images:
            continue
        page = cv2.imread(str(page_images[field.page]), cv2.IMREAD_GRAYSCALE)
        if page is None:
            continue
        box = field.box
        pad = max(6, box.height // 2)
        try:
            better = _tesseract_choice(
                field.value, _crop(page, box, pad, pad), scratch / f"name-{name}.png", config
            )
        except SohoaError as error:  # the first reading stands, still in review
            log.warning("Không đọc lại được tên / name not re-read (%s): %s", name, error)
            better = None
        settled = better is not None and better.settled
        value, issues = field.value, list(field.issues)
        if better is not None:
            value, issues = better.name, [*issues, CHOSEN]
        if not settled:
            second = _second_reading(field.value, page, box)
            if second is not None and second != value:
                value, issues = second, [*issues, SECOND_READER]
            settled = second is not None and better is not None and second == better.name
        if value == field.value:
            continue
        fields[name] = field.model_copy(update={"value": value, "issues": issues})
        if settled:
            reasons.remove(f"{name}:name_uncertain")
    return extraction.model_copy(
        update={"fields": fields, "review_reasons": reasons, "needs_review": bool(reasons)}
    )
