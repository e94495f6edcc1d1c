"""QR codes read off generated scans: chip cards (clean, counter, blurred, turned), results."""

from __future__ import annotations

import random
import time
from datetime import date

import numpy as np
import pytest

from pipeline.codes import decode_codes
from pipeline.codes_payloads import CccdQr, OneStopQr, context_from_codes, parse_payload
from schemas.dossiers import DigitizationKind
from schemas.fields import DocType
from schemas.settings import CodesSettings
from sohoa.samples import COUNTER, DegradeProfile, degrade
from tests.codes_helpers import card, certificate, gray, with_qr

TODAY = date(2025, 6, 30)
KEY_FIELDS = ("id_number", "full_name", "date_of_birth", "sex")
BLURRED = DegradeProfile(blur_sigma=1.5, noise_sigma=4.0, jpeg_quality=80)
TURNED = DegradeProfile(rotate=90, skew_degrees=8.0, skew_random=False, noise_sigma=3.0)
PROFILES = {"clean": DegradeProfile(), "counter": COUNTER, "blurred": BLURRED, "turned": TURNED}
CODE = "000.00.20.H12-240315-0007"


def _card_qr(pixels: np.ndarray) -> CccdQr:
    codes = decode_codes(pixels)
    assert len(codes) == 1
    qr = parse_payload(codes[0].text, TODAY)
    assert isinstance(qr, CccdQr)
    return qr


def test_twelve_cards_give_exact_key_fields() -> None:
    """ID number, name, birth date and sex from the QR code: 12 of 12, across scan profiles."""
    right = 0
    for seed in range(12):
        profile = list(PROFILES.values())[seed % len(PROFILES)]
        doc, image = card(100 + seed, profile)
        qr = _card_qr(gray(image))
        assert qr.valid, qr.issues
        values = qr.field_values()
        assert {k: values[k] for k in KEY_FIELDS} == {k: doc.fields[k] for k in KEY_FIELDS}
        right += 1
    assert right == 12


@pytest.mark.parametrize("profile", ["blurred", "turned"])
def test_blurred_and_turned_cards(profile: str) -> None:
    doc, image = card(7, PROFILES[profile])
    codes = decode_codes(gray(image))
    assert [c.text for c in codes] == [doc.qr]
    box = codes[0].box
    assert box is not None and box.width > 100 and box.height > 100


def test_small_low_resolution_card_needs_the_retries() -> None:
    """At 72 dpi-equivalent the modules are ~2 px: the plain pass misses, upscaling reads it."""
    doc, image = card(0, DegradeProfile(blur_sigma=1.5, dpi=72, noise_sigma=5.0))
    assert [c.text for c in decode_codes(gray(image))] == [doc.qr]


def test_page_without_code_is_cheap_and_empty() -> None:
    pixels = gray(certificate(DocType.BIRTH_CERTIFICATE, 3, COUNTER))
    decode_codes(pixels)  # warm-up
    start = time.perf_counter()
    assert decode_codes(pixels) == []
    assert time.perf_counter() - start < 0.5  # ~30 ms; OCR of the same page takes seconds


def test_disabled_decoding_reads_nothing() -> None:
    _, image = card(1)
    assert decode_codes(gray(image), CodesSettings(enabled=False)) == []


def test_issued_result_carries_its_dossier_context() -> None:
    page = certificate(DocType.MARITAL_STATUS_CERTIFICATE, 5)
    scanned = degrade(
        with_qr(page, f"MOTCUA|{CODE}|1.000893|001096670111|KQ"), COUNTER, random.Random(5)
    )
    codes = decode_codes(gray(scanned))
    found = parse_payload(codes[0].text)
    assert isinstance(found, OneStopQr) and found.is_result
    context = context_from_codes(codes)
    assert context is not None
    assert (context.dossier_code, context.procedure_code, context.kind) == (
        CODE,
        "1.000893",
        DigitizationKind.RESULT,
    )


def test_submitted_component_code_is_not_a_result() -> None:
    page = certificate(DocType.BIRTH_CERTIFICATE, 6)
    codes = decode_codes(gray(with_qr(page, f"MOTCUA|{CODE}|1.000893||TP", module_px=6)))
    context = context_from_codes(codes)
    assert context is not None and context.kind is DigitizationKind.COMPONENT


def test_two_codes_on_one_page_are_both_read() -> None:
    doc, image = card(2)
    page = with_qr(image, f"MOTCUA|{CODE}|1.0||TP", module_px=8, at=(600, 40))
    texts = {c.text for c in decode_codes(gray(page))}
    assert texts == {doc.qr, f"MOTCUA|{CODE}|1.0||TP"}
