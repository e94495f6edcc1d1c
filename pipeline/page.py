"""A page image travelling through the preprocessing stages."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from schemas.documents import StageRecord


class PageImage(BaseModel):
    """Grayscale pixels of one page plus the record of what was done to them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    page_number: int
    pixels: np.ndarray
    dpi: int = 300
    # False when the file gave no credible resolution and ``dpi`` is the default: Tesseract
    # must then be told one that fits the letters (``preprocess.upscale`` estimates it).
    dpi_claimed: bool = True
    bilevel: bool = False  # scanned in black and white (fax, CCITT): no grey noise to remove
    text_height: float | None = None  # median letter height in px, once measured (upscale)
    stages: list[StageRecord] = Field(default_factory=list)

    def with_pixels(self, pixels: np.ndarray, record: StageRecord) -> PageImage:
        return self.model_copy(update={"pixels": pixels, "stages": [*self.stages, record]})

    def skipped(self, stage: str, reason: str) -> PageImage:
        record = StageRecord(stage=stage, applied=False, detail={"reason": reason})
        return self.model_copy(update={"stages": [*self.stages, record]})
