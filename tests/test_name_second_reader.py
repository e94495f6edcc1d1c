"""A second reader (asterocr's line model) for names Tesseract leaves in doubt.

Its reading replaces Tesseract's only with the same letters, spelled, and a known name; it never
takes a name out of review alone.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import name_reread
from pipeline.name_second_reader import SECOND_READER, second_opinion
from pipeline.tools import aster
from pipeline.tools.tesseract import Choices, TesseractConfig
from schemas.fields import DocType, ExtractedField, Extraction
from schemas.ocr import Box
from schemas.settings import OcrSettings
from sohoa.samples import COUNTER, degrade
from sohoa.samples.fonts import load_font


@pytest.mark.parametrize(
    ("read", "second", "taken"),
    [
        ("NGUYÊN THÙY NHUNG", "NGUYỄN THÙY NHUNG", "NGUYỄN THÙY NHUNG"),
        ("NGUYÊN THÙY NHUNG", "Nguyễn Thùy Nhung", "NGUYỄN THÙY NHUNG"),  # case is no matter
        ("VŨ THANHLONG", "VŨ THANH LONG", "VŨ THANH LONG"),  # a space, same letters
        ("NGUYÊN THÙY NHUNG", "NGUYÊN THÙY NHUNG", None),  # nothing new
        ("NGUYÊN THÙY NHUNG", "NGUYỄN THÙY NHUNGS", None),  # another letter: something else
        ("NGUYÊN THÙY NHUNG", "NGUYỄN THỦY NHŨNG", None),  # NHŨNG: no one's name
        ("NGUYÊN THÙY NHUNG", "NGUYỄN THÙY NHƯNG", None),  # NHƯNG: not a known given name
        ("LÊ AN", "LẼÊ AN", None),
    ],
)
def test_a_second_reading_is_taken_only_as_a_known_name_with_the_same_letters(
    read: str, second: str, taken: str | None
) -> None:
    assert second_opinion(read, second) == taken


def _line(text: str, height: int = 46) -> np.ndarray:
    image = Image.new("L", (40 + len(text) * height, height * 2), 255)
    font = load_font("sans", height, True, False)
    ImageDraw.Draw(image).text((20, int(height * 1.5)), text, font=font, fill=20, anchor="ls")
    degraded = degrade(image, COUNTER, random.Random(3)).convert("L")
    gray = np.asarray(degraded)
    ink = np.argwhere(gray < 128)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    return np.ascontiguousarray(gray[top - 4 : bottom + 4, left - 8 : right + 8])


def test_the_second_reader_reads_a_printed_name_with_its_marks() -> None:
    reader = aster.shared_reader()
    assert reader is not None, "asterocr is a dependency: setup installs it"
    assert reader.read(_line("NGUYỄN THÙY NHUNG")) == "NGUYỄN THÙY NHUNG"


def test_a_model_file_without_the_pinned_hash_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(aster, "MODEL_SHA256", "0" * 64)
    with pytest.raises(aster.ReaderUnavailable):
        aster.AsterReader.load()


def _doubted(page: Path, box: Box) -> Extraction:
    field = ExtractedField(
        name="full_name",
        value="NGUYÊN THÙY NHUNG",
        raw="NGUYÊN THÙY NHUNG",
        confidence=0.9,
        page=1,
        box=box,
        rule="label:Họ và tên",
        valid=True,
    )
    return Extraction(
        doc_type=DocType.BIRTH_CERTIFICATE,
        doc_type_confidence=1.0,
        fields={"full_name": field},
        needs_review=True,
        review_reasons=["full_name:name_uncertain"],
    )


def _page_with(text: str, path: Path) -> Box:
    line = _line(text)
    page = np.full((line.shape[0] + 200, line.shape[1] + 200), 255, np.uint8)
    page[100 : 100 + line.shape[0], 100 : 100 + line.shape[1]] = line
    cv2.imwrite(str(path), page)
    return Box(left=108, top=104, width=line.shape[1] - 16, height=line.shape[0] - 8)


def _tesseract_proposes_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tesseract's re-read as on counter scans where it never proposed Ễ (only Ê)."""

    def choices(path: Path, config: TesseractConfig) -> Choices:
        return [[(c, 0.9)] for c in "NGUYÊN THÙY NHUNG"]

    monkeypatch.setattr(name_reread.tesseract, "character_choices", choices)


def test_a_mark_tesseract_never_proposed_comes_from_the_second_reader_and_stays_in_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = _page_with("NGUYỄN THÙY NHUNG", tmp_path / "page.png")
    _tesseract_proposes_nothing_else(monkeypatch)
    out = name_reread.reread_doubted_names(
        _doubted(tmp_path / "page.png", box), {1: tmp_path / "page.png"}, tmp_path, OcrSettings()
    )
    name = out.fields["full_name"]
    assert name.value == "NGUYỄN THÙY NHUNG"
    assert SECOND_READER in name.issues
    assert out.review_reasons == ["full_name:name_uncertain"] and out.needs_review


def test_when_both_readers_agree_the_name_leaves_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = _page_with("NGUYỄN THÙY NHUNG", tmp_path / "page.png")

    def choices(path: Path, config: TesseractConfig) -> Choices:
        steps: Choices = [[(c, 0.9)] for c in "NGUYÊN THÙY NHUNG"]
        steps[4] = [("Ê", 0.9), ("Ễ", 0.3)]  # proposed, far behind: not settled alone
        return steps

    monkeypatch.setattr(name_reread.tesseract, "character_choices", choices)
    out = name_reread.reread_doubted_names(
        _doubted(tmp_path / "page.png", box), {1: tmp_path / "page.png"}, tmp_path, OcrSettings()
    )
    assert out.fields["full_name"].value == "NGUYỄN THÙY NHUNG"
    assert out.review_reasons == [] and not out.needs_review


def test_a_failing_second_reader_leaves_the_name_as_read_and_in_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = _page_with("NGUYỄN THÙY NHUNG", tmp_path / "page.png")
    _tesseract_proposes_nothing_else(monkeypatch)

    class Broken:
        def read(self, gray: np.ndarray) -> str:
            raise RuntimeError("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT")

    monkeypatch.setattr(aster, "shared_reader", lambda: Broken())
    out = name_reread.reread_doubted_names(
        _doubted(tmp_path / "page.png", box), {1: tmp_path / "page.png"}, tmp_path, OcrSettings()
    )
    assert out.fields["full_name"].value == "NGUYÊN THÙY NHUNG"
    assert out.review_reasons == ["full_name:name_uncertain"]
