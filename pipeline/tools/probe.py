"""Checks the external programs once at start-up, so a missing one is a clear error there."""

from __future__ import annotations

import shutil

from pydantic import BaseModel

from pipeline.tools import poppler, tesseract
from schemas.errors import ToolMissing
from schemas.settings import OcrSettings


class ToolVersions(BaseModel):
    tesseract: str
    languages: list[str]
    poppler: str


def probe_tools(ocr: OcrSettings) -> ToolVersions:
    """Raise ToolMissing naming exactly what to install; return versions for the record."""
    if shutil.which(ocr.tesseract_cmd) is None:
        raise ToolMissing(
            f"'{ocr.tesseract_cmd}' không có trong PATH — cài: apt-get install tesseract-ocr"
        )
    installed = tesseract.languages(ocr.tesseract_cmd)
    wanted = [lang for lang in ocr.languages.split("+") if lang]
    missing = [lang for lang in wanted if lang not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise ToolMissing(f"thiếu dữ liệu ngôn ngữ {missing} — cài: apt-get install {packages}")
    return ToolVersions(
        tesseract=tesseract.version(ocr.tesseract_cmd),
        languages=sorted(installed),
        poppler=poppler.version(ocr.poppler_path),
    )
