"""Rendered samples are legible to Tesseract: the holder's name and ID number come back."""

from __future__ import annotations

import random
import shutil
import unicodedata

import pytest

from schemas.fields import DocType
from sohoa.samples import build_document, render

pytesseract = pytest.importorskip("pytesseract")


@pytest.mark.ocr
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
@pytest.mark.parametrize(
    ("doc_type", "variant"),
    [
        (DocType.BIRTH_CERTIFICATE, None),
        (DocType.ID_CARD, "cccd_2021"),
    ],
)
def test_clean_render_reads_back(
    doc_type: DocType, variant: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    doc = build_document(doc_type, random.Random(2024), variant)
    text = pytesseract.image_to_string(render(doc), lang="vie", config="--psm 3", timeout=60)
    flat = " ".join(unicodedata.normalize("NFC", text).split())
    assert doc.fields["full_name"] in flat, flat
    assert doc.fields["id_number"] in flat, flat
