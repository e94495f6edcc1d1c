"""The searchable PDF stored for staff: every page, with the recognised text in its text layer."""

from __future__ import annotations

import random
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluate.cer import normalize_text
from pipeline.runner import run_document
from pipeline.tools import poppler
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.samples import COUNTER, build_document, degrade, render, write_multipage_pdf

pytestmark = pytest.mark.ocr


def pdftotext(path: Path, page: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def test_searchable_pdf_holds_the_recognised_text(tmp_path: Path, settings: Settings) -> None:
    docs = [
        build_document(DocType.ID_CARD, random.Random(6), "cccd_2021"),
        build_document(DocType.BIRTH_CERTIFICATE, random.Random(6)),
    ]
    pages = [degrade(render(d), COUNTER, random.Random(6)) for d in docs]
    path = write_multipage_pdf(pages, tmp_path / "hoso.pdf")
    output = run_document(path, tmp_path / "scratch", settings)
    searchable = output.searchable_pdf
    assert searchable is not None
    assert poppler.pdf_info(searchable).pages == 2
    for number, (doc, page) in enumerate(zip(docs, output.result.ocr.pages, strict=True), 1):
        layer = pdftotext(searchable, number)
        assert doc.fields["id_number"] in layer
        # The stored text's words are in the layer. pdftotext orders columns its own way, may
        # glue two close words of the invisible layer ("Tựdo"), and the layer keeps the stamp
        # noise dropped from the stored text: so a bag of words, and 95 %.
        found = Counter(normalize_text(layer).split())
        words = normalize_text(page.text).split()
        assert sum(1 for w in words if found[w] > 0) >= 0.95 * len(words)
    assert len(output.page_images) == 2
