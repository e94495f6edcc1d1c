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
from pipeline.textlayer import parse_bbox_layout
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


def test_searchable_page_text_sits_on_the_words_of_the_image(
    tmp_path: Path, settings: Settings
) -> None:
    """The invisible text is laid over the page image at the words' own places, so selecting
    text in a viewer selects what is printed there; the page shows the (JPEG) scan itself."""
    doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(11))
    path = tmp_path / "gks.png"
    degrade(render(doc), COUNTER, random.Random(11)).save(path, dpi=(300, 300))
    output = run_document(path, tmp_path / "scratch", settings)
    searchable = output.searchable_pdf
    assert searchable is not None
    page = output.result.ocr.pages[0]
    target = next(w for line in page.lines for w in line.words if w.text == doc.fields["id_number"])
    layout = poppler.page_text_bbox(searchable, 1)
    lines = parse_bbox_layout(layout, 300 / 72)
    found = [w for line in lines for w in line.words if w.text == doc.fields["id_number"]]
    assert found, "the ID number is not in the text layer"
    box = found[0].box
    # The layer's glyph boxes come from font metrics, so compare where the words are centred.
    centre = (box.left + box.width / 2, box.top + box.height / 2)
    expected = (target.box.left + target.box.width / 2, target.box.top + target.box.height / 2)
    assert abs(centre[0] - expected[0]) <= target.box.height
    assert abs(centre[1] - expected[1]) <= target.box.height / 2
    images = subprocess.run(
        ["pdfimages", "-list", str(searchable)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1
    columns = images[0].split()
    assert (int(columns[3]), int(columns[4])) == (page.width, page.height)
    assert columns[8] == "jpeg"
