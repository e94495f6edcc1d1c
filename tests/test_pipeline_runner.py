"""The runner on generated scans: fields come out, bad pages don't sink the document."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.ocr import TesseractEngine
from pipeline.runner import run_document
from schemas.errors import OcrTimeout, PageFailed
from schemas.fields import DocType
from schemas.ocr import Line, PageStatus
from schemas.settings import Settings
from sohoa.samples import build_document, render, write_multipage_pdf
from tests.samples_helpers import make_scan

pytestmark = pytest.mark.ocr


def test_birth_certificate_pdf_gives_holder_fields(tmp_path: Path, settings: Settings) -> None:
    path, doc = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=7, fmt="pdf")
    output = run_document(path, tmp_path / "scratch", settings)
    extraction = output.result.extraction
    assert extraction.doc_type is DocType.BIRTH_CERTIFICATE
    for name in ("full_name", "date_of_birth", "id_number"):
        assert extraction.value(name) == doc.fields[name], name
    assert output.searchable_pdf is not None and output.searchable_pdf.stat().st_size > 1000
    assert len(output.page_images) == 1
    assert output.result.source.page_count == 1


class FlakyEngine:
    """Tesseract, except that chosen pages fail or time out."""

    def __init__(self, settings: Settings, failing: dict[int, type[PageFailed]]) -> None:
        self.inner = TesseractEngine(settings.ocr)
        self.name = "flaky"
        self.failing = failing
        self.calls = 0

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        page = int(image_path.stem.split("-")[1].split(".")[0])
        if page in self.failing:
            raise self.failing[page]("injected")
        return self.inner.recognize(image_path, out_base, dpi=dpi, pdf=pdf)

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        return self.inner.orientation(image_path, dpi=dpi)


def test_one_bad_page_does_not_fail_the_document(tmp_path: Path, settings: Settings) -> None:
    docs = [build_document(DocType.ID_CARD, random.Random(i), "cccd_2021") for i in (1, 2, 3)]
    path = write_multipage_pdf([render(d) for d in docs], tmp_path / "three.pdf")
    engine = FlakyEngine(settings, {2: OcrTimeout, 3: PageFailed})
    output = run_document(path, tmp_path / "scratch", settings, engine=engine)
    pages = output.result.ocr.pages
    assert [p.status for p in pages] == [PageStatus.OK, PageStatus.TIMEOUT, PageStatus.FAILED]
    assert output.result.extraction.value("id_number") == docs[0].fields["id_number"]
    assert output.result.extraction.needs_review
    assert "pages_failed:2,3" in output.result.extraction.review_reasons
    assert list(output.page_images) == [1]


@pytest.mark.ocr
def test_a_searchable_pdf_that_cannot_be_built_never_fails_the_document(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [render(build_document(DocType.BIRTH_CERTIFICATE, random.Random(i))) for i in (1, 2)]
    path = write_multipage_pdf(pages, tmp_path / "two.pdf")

    def refuse(*_args: object, **_kwargs: object) -> Path:
        raise PageFailed("Unimplemented Feature: Could not merge encrypted files")

    monkeypatch.setattr("pipeline.runner.poppler.unite", refuse)
    done = run_document(path, tmp_path / "scratch", settings)
    assert done.searchable_pdf is None
    assert [p.status for p in done.result.ocr.pages] == [PageStatus.OK, PageStatus.OK]
    assert done.result.extraction.fields  # the fields are kept
    assert done.result.problems and "Could not merge" in done.result.problems[0]
