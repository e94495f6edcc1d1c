"""The edge of ``name_choice``: cut a doubted name out of its page and read it with choices.

Only names the name model doubts are read again (a few per hundred documents), so the extra
Tesseract call costs little on the whole.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2

from pipeline.name_choice import choose_name
from pipeline.tools import tesseract
from schemas.errors import SohoaError
from schemas.fields import Extraction
from schemas.settings import OcrSettings

log = logging.getLogger(__name__)

CHOSEN = "name.chosen_from_alternatives"


def reread_doubted_names(
    extraction: Extraction, page_images: dict[int, Path], scratch: Path, settings: OcrSettings
) -> Extraction:
    """The extraction with each doubted name re-marked where the engine proposed a known name."""
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
        crop = page[
            max(0, box.top - pad) : box.top + box.height + pad,
            max(0, box.left - pad) : box.left + box.width + pad,
        ]
        path = scratch / f"name-{name}.png"
        cv2.imwrite(str(path), crop)
        try:
            better = choose_name(field.value, tesseract.character_choices(path, config))
        except SohoaError as error:  # the first reading stands, still in review
            log.warning("Không đọc lại được tên / name not re-read (%s): %s", name, error)
            continue
        finally:
            path.unlink(missing_ok=True)
        if better is None:
            continue
        fields[name] = field.model_copy(
            update={"value": better.name, "issues": [*field.issues, CHOSEN]}
        )
        if better.settled:
            reasons.remove(f"{name}:name_uncertain")
    return extraction.model_copy(
        update={"fields": fields, "review_reasons": reasons, "needs_review": bool(reasons)}
    )
