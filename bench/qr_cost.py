"""Benchmark: what reading QR codes before OCR costs on pages without any, and how well it reads.

Target (issue #12): on a code-less A4 page, `decode_codes` takes < 5 % of that page's Tesseract
OCR time. Also reported: exact ID number, name, birth date and sex from the QR code of generated
2021 chip cards scanned with several profiles (target 100 % on the readable ones: clean,
counter, blurred σ 1.5, turned 90° + 8°), and how many harsher scans still decode.

    .venv/bin/python -m bench.qr_cost [--quick] [--pages 8] [--cards 24]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.result import BenchResult, Row, emit, load_average
from pipeline.codes import decode_codes
from pipeline.codes_payloads import CccdQr, parse_payload
from pipeline.ocr import TesseractEngine, recognize_page, write_page_png
from pipeline.page import PageImage
from schemas.fields import DocType
from schemas.settings import OcrSettings
from sohoa.samples import COUNTER, HARSH, DegradeProfile, build_document, degrade, render

TARGET_SHARE = 0.05
KEY_FIELDS = ("id_number", "full_name", "date_of_birth", "sex")
CERTIFICATES = [t for t in DocType if t not in (DocType.ID_CARD, DocType.OTHER)]
READABLE: dict[str, DegradeProfile] = {
    "clean": DegradeProfile(),
    "counter": COUNTER,
    "blurred": DegradeProfile(blur_sigma=1.5, noise_sigma=4.0, jpeg_quality=80),
    "turned": DegradeProfile(rotate=90, skew_degrees=8.0, skew_random=False, noise_sigma=3.0),
}
HARDER: dict[str, DegradeProfile] = {
    "harsh": HARSH,
    "150dpi-blur2": DegradeProfile(blur_sigma=2.0, noise_sigma=8.0, jpeg_quality=60, dpi=150),
    "72dpi": DegradeProfile(blur_sigma=1.5, noise_sigma=5.0, dpi=72),
}


def code_less_pages(count: int) -> list[np.ndarray]:
    pages = []
    for i in range(count):
        doc = build_document(CERTIFICATES[i % len(CERTIFICATES)], random.Random(500 + i))
        image = degrade(render(doc), COUNTER, random.Random(500 + i))
        pages.append(np.asarray(image.convert("L"), dtype=np.uint8))
    return pages


def decode_seconds(pixels: np.ndarray, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        found = decode_codes(pixels)
        times.append(time.perf_counter() - start)
        assert not found, "a code-less page yielded a code"
    return statistics.median(times)


def ocr_seconds(pixels: np.ndarray, number: int, scratch: Path) -> float:
    engine = TesseractEngine(OcrSettings())
    page = PageImage(page_number=number, pixels=pixels, dpi=300)
    image = write_page_png(page, scratch / f"page-{number}.png")
    start = time.perf_counter()
    recognize_page(engine, page, image, pdf=False)
    return time.perf_counter() - start


def card_rates(count: int, profiles: dict[str, DegradeProfile]) -> dict[str, tuple[int, int]]:
    """Per profile: (cards whose four key fields came out exact, cards tried)."""
    rates: dict[str, tuple[int, int]] = {}
    for name, profile in profiles.items():
        right = 0
        for i in range(count):
            doc = build_document(DocType.ID_CARD, random.Random(900 + i), "cccd_2021")
            image = degrade(render(doc), profile, random.Random(900 + i))
            pixels = np.asarray(image.convert("L"), dtype=np.uint8)
            payloads = [parse_payload(c.text) for c in decode_codes(pixels)]
            card = next((p for p in payloads if isinstance(p, CccdQr) and p.valid), None)
            if card is not None:
                values = card.field_values()
                right += all(values[k] == doc.fields[k] for k in KEY_FIELDS)
        rates[name] = (right, count)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--cards", type=int, default=24)
    args = parser.parse_args()
    pages_n, cards_n = (3, 6) if args.quick else (args.pages, args.cards)

    pages = code_less_pages(pages_n)
    decode_total = ocr_total = 0.0
    with tempfile.TemporaryDirectory(prefix="sohoa-qr-bench-") as tmp:
        for number, pixels in enumerate(pages, start=1):
            decode, ocr = decode_seconds(pixels), ocr_seconds(pixels, number, Path(tmp))
            decode_total, ocr_total = decode_total + decode, ocr_total + ocr
            print(f"page {number}: decode {decode * 1000:6.1f} ms, OCR {ocr:6.2f} s")
    share = decode_total / ocr_total
    print(f"code-less A4 pages: decode {share:.2%} of OCR time (target < {TARGET_SHARE:.0%})")

    readable = card_rates(cards_n, READABLE)
    harder = card_rates(cards_n, HARDER)
    right = sum(r for r, _ in readable.values())
    tried = sum(n for _, n in readable.values())
    for name, (r, n) in {**readable, **harder}.items():
        print(f"cards {name:>13}: {r}/{n} exact ID number, name, birth date, sex")
    emit(
        BenchResult(
            "qr_cost",
            rows=[
                Row(
                    "QR decoding on code-less A4 pages, share of OCR time",
                    round(100 * share, 2),
                    "%",
                    baseline=f"Tesseract {ocr_total / len(pages):.2f} s/page",
                    target=f"< {TARGET_SHARE:.0%}",
                    passed=share < TARGET_SHARE,
                    note=f"decode {1000 * decode_total / len(pages):.1f} ms/page",
                ),
                Row(
                    "2021 cards: key fields exact from the QR code",
                    round(100 * right / tried, 1),
                    "%",
                    target="100 %",
                    passed=right == tried,
                    note=", ".join(f"{k} {r}/{n}" for k, (r, n) in readable.items()),
                ),
                Row(
                    "2021 cards, harsher scans (informative)",
                    round(100 * sum(r for r, _ in harder.values()) / (len(harder) * cards_n), 1),
                    "%",
                    note=", ".join(f"{k} {r}/{n}" for k, (r, n) in harder.items()),
                ),
            ],
            details={"load": load_average(), "pages": pages_n, "cards_per_profile": cards_n},
        )
    )


if __name__ == "__main__":
    main()
