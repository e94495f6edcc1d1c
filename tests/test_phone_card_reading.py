"""A phone shot of an ID card (about 150 px per inch, no resolution in the file) read end to end.

Two faults lost these cards' number and name: the pipeline told Tesseract the default 300 dpi,
doubled to 600 by the upscale, so Tesseract took the 16-px lines for noise; and the misread rest
of the name's long label (``khai søth / Surname…``) was taken for the name printed below it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.rasterize import iter_pages
from pipeline.runner import run_document
from pipeline.triage import triage
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.commands.eval_corpus import PROFILES
from sohoa.samples import degrade, render
from sohoa.samples.documents import document_for_index
from sohoa.samples.fonts import FACES
from sohoa.samples.page_kinds import in_face

SEED = 41
CARDS = (1, 23, 34)  # phone shots of this corpus seed that lost their name or number


def _phone_card(index: int, dest: Path) -> tuple[Path, dict[str, str]]:
    doc = in_face(document_for_index(SEED, index), FACES[index % len(FACES)])
    assert doc.doc_type is DocType.ID_CARD
    rng = random.Random(f"sohoa-eval-{SEED}-{index}")
    image = degrade(render(doc), PROFILES["phone_72dpi"], rng)
    path = dest / f"card-{index}.png"
    image.save(path, dpi=(72, 72))  # what phones write: not to be believed
    return path, dict(doc.fields)


def test_a_resolution_of_72_dpi_is_not_believed(tmp_path: Path) -> None:
    settings = Settings()
    path, _ = _phone_card(CARDS[0], tmp_path)
    source = triage(path, settings.limits, settings.ocr)
    (page,) = iter_pages(path, source, settings.ocr, settings.limits)
    assert not isinstance(page, Exception)
    assert not page.dpi_claimed and page.dpi == settings.ocr.dpi


@pytest.mark.parametrize("index", CARDS)
def test_a_phone_shot_of_a_card_gives_its_number_and_name(index: int, tmp_path: Path) -> None:
    path, truth = _phone_card(index, tmp_path)
    output = run_document(path, tmp_path / "scratch", Settings())
    fields = output.result.extraction.fields
    assert fields["id_number"].value == truth["id_number"]
    assert fields["full_name"].value == truth["full_name"]
    stages = output.result.ocr.pages[0].stages
    assert any(s.stage == "estimate_dpi" and s.applied for s in stages)
