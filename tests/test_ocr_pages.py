"""OCR through the whole page pipeline on generated degraded scans: CER bounds, and what it costs.

Each page is rendered, degraded like a counter scan (skew up to 15° with a black lid border,
quarter and half turns, blur, noise, JPEG, uneven light) and read back; the character error
rate against the printed lines must stay within 3 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate.cer import score
from pipeline.ocr import TesseractEngine
from pipeline.runner import ocr_document
from schemas.fields import DocType
from schemas.ocr import Line
from schemas.settings import Settings
from sohoa.samples import COUNTER, HARSH, DegradeProfile
from tests.samples_helpers import make_scan

pytestmark = pytest.mark.ocr

NOISY = {"noise_sigma": 8.0, "jpeg_quality": 60, "uneven_light": 0.2, "blur_sigma": 0.8}


class CountingEngine:
    """Tesseract, counting OCR passes and OSD calls."""

    def __init__(self, settings: Settings) -> None:
        self.inner = TesseractEngine(settings.ocr)
        self.name = self.inner.name
        self.ocr_calls = 0
        self.osd_calls = 0

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        self.ocr_calls += 1
        return self.inner.recognize(image_path, out_base, dpi=dpi, pdf=pdf)

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        self.osd_calls += 1
        return self.inner.orientation(image_path, dpi=dpi)


CASES = [
    (
        "skew15_black",
        DocType.BIRTH_CERTIFICATE,
        None,
        DegradeProfile(
            skew_degrees=15.0, skew_random=False, border="black", noise_sigma=4.0, jpeg_quality=85
        ),
    ),
    ("harsh", DocType.MARRIAGE_CERTIFICATE, None, HARSH),
    ("rot90", DocType.ID_CARD, "cccd_2021", DegradeProfile(rotate=90, skew_degrees=3.0, **NOISY)),
    ("rot90_a4", DocType.DEATH_CERTIFICATE, None, DegradeProfile(rotate=90, **NOISY)),
    ("rot180", DocType.MARITAL_STATUS_CERTIFICATE, None, DegradeProfile(rotate=180, **NOISY)),
    (
        "uneven_light",
        DocType.ID_CARD,
        "can_cuoc_2024",
        DegradeProfile(uneven_light=0.6, noise_sigma=4.0, jpeg_quality=80),
    ),
]


@pytest.mark.parametrize(("name", "kind", "variant", "profile"), CASES, ids=[c[0] for c in CASES])
def test_degraded_page_reads_within_three_percent(
    tmp_path: Path,
    settings: Settings,
    name: str,
    kind: DocType,
    variant: str | None,
    profile: DegradeProfile,
) -> None:
    from random import Random

    from sohoa.samples import build_document, degrade, render, write_sample

    doc = build_document(kind, Random(31), variant)
    path = write_sample(doc, degrade(render(doc), profile, Random(31)), tmp_path, name, "jpeg")
    engine = CountingEngine(settings)
    done = ocr_document(path, tmp_path / "scratch", settings, engine)
    cer = score(done.ocr.text, "\n".join(doc.lines)).cer
    assert cer <= 0.03, f"{name}: CER {cer:.2%}\n{done.ocr.text}"
    assert engine.ocr_calls == 1 and engine.osd_calls == 0  # the ink decided; no second pass
    if profile.rotate:
        record = next(r for r in done.ocr.pages[0].stages if r.stage == "orientation")
        assert record.detail["rotate"] == profile.rotate


def test_without_clean_up_the_same_pages_are_unreadable(tmp_path: Path, settings: Settings) -> None:
    """The figure beside the one above: bare Tesseract on a 15°-skewed and a half-turned page."""
    from pipeline.evaluate.ocr import without_preprocessing

    bare = without_preprocessing(settings)
    for name, profile in (("skew", CASES[0][3]), ("rot180", CASES[4][3])):
        path, doc = make_scan(
            tmp_path, DocType.BIRTH_CERTIFICATE, seed=5, profile=profile, stem=name
        )
        done = ocr_document(path, tmp_path / name, bare)
        assert score(done.ocr.text, "\n".join(doc.lines)).cer > 0.3, name


def test_upright_page_costs_one_ocr_pass(tmp_path: Path, settings: Settings) -> None:
    """No OSD and no retry on an upright page, even a noisy one."""
    path, doc = make_scan(tmp_path, DocType.DEATH_CERTIFICATE, seed=9, profile=COUNTER)
    engine = CountingEngine(settings)
    done = ocr_document(path, tmp_path / "scratch", settings, engine)
    assert (engine.ocr_calls, engine.osd_calls) == (1, 0)
    assert score(done.ocr.text, "\n".join(doc.lines)).cer <= 0.03


def test_a_misread_turn_is_caught_by_the_retry(tmp_path: Path, settings: Settings) -> None:
    """If the ink measurement turned a page wrongly, the poor OCR asks OSD and reads again."""
    from pipeline import orientation

    path, doc = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=2, profile=COUNTER)
    wrong = orientation.TurnGuess(rotate=180, balance=-0.5, vertical=False, confident=True)
    engine = CountingEngine(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(orientation, "guess_turn", lambda *_: wrong)
        done = ocr_document(path, tmp_path / "scratch", settings, engine)
    assert (engine.ocr_calls, engine.osd_calls) == (2, 1)
    assert score(done.ocr.text, "\n".join(doc.lines)).cer <= 0.03
    reasons = [r.detail.get("reason") for r in done.ocr.pages[0].stages]
    assert "low_confidence" in reasons


def test_word_boxes_and_confidences_are_kept(tmp_path: Path, settings: Settings) -> None:
    path, doc = make_scan(tmp_path, DocType.ID_CARD, seed=3, profile=COUNTER)
    page = ocr_document(path, tmp_path / "scratch", settings).ocr.pages[0]
    words = [w for line in page.lines for w in line.words]
    assert len(words) > 40
    assert all(0.0 <= w.confidence <= 1.0 for w in words)
    assert page.mean_confidence > 0.8
    assert all(
        0 <= w.box.left < page.width and 0 <= w.box.top < page.height and w.box.width > 0
        for w in words
    )
    holder = next(w for w in words if w.text == doc.fields["id_number"])
    assert holder.confidence > 0.8
