"""Benchmark: CPU seconds to sign one digitized copy with its unit's key (issue #24).

The copy is signed as the workers sign it: PAdES B-B, PKCS#12 key (RSA 2048) opened once per
process, visible Vietnamese stamp on page 1, on a scan-like PDF (a JPEG page image per page,
as the searchable PDF carries). The key, its CA and the PDF are made for the run; the first
signature (font subset, key loading) is reported apart. Target: <= 0.1 CPU s per document.
A row of the throughput benchmark; also runnable alone:

    .venv/bin/python -m bench.signing_cost [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.result import BenchResult, Row, emit
from pipeline.signatures.keys import open_signer, unit_key
from pipeline.signatures.sign import StampText, sign_pdf
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.samples import COUNTER, build_document, degrade, render
from tests.pki_fixtures import UNIT_CODE, UNIT_NAME, build_pki, write_unit_keys

TARGET_CPU_SECONDS = 0.1
PAGES = 2  # the corpus's documents have one or two pages


def scan_like_pdf(path: Path, pages: int) -> Path:
    """A PDF of JPEG page images at 300 dpi, like a searchable PDF without its text layer."""
    images = []
    for number in range(pages):
        doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(number))
        images.append(degrade(render(doc), COUNTER, random.Random(number)).convert("RGB"))
    images[0].save(path, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return path


def measure(count: int) -> tuple[float, float, list[float]]:
    """(first signature's CPU s, median CPU s of the next ``count``, all of them)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-sign-") as folder:
        root = Path(folder)
        settings = Settings.rooted_at(root)
        write_unit_keys(settings.signing.keys_dir, UNIT_CODE, build_pki().unit)
        source = scan_like_pdf(root / "searchable.pdf", PAGES)
        key = unit_key(UNIT_CODE, settings.signing)
        assert key is not None

        def once(number: int) -> float:
            start = time.process_time()
            signer = open_signer(key)  # cached after the first: as in a worker
            stamp = StampText(UNIT_NAME, "", datetime.now(UTC))
            sign_pdf(
                source,
                root / f"signed-{number}.pdf",
                signer,
                stamp,
                settings.signing,
                font_cache=root / "cache",
            )
            return time.process_time() - start

        first = once(0)
        runs = [once(number) for number in range(1, count + 1)]
    return first, statistics.median(runs), runs


def row(quick: bool) -> Row:
    count = 10 if quick else 40
    first, median, runs = measure(count)
    print(
        f"signing: first {first:.3f} CPU s (font subset, key), then median {median:.4f} "
        f"CPU s/document over {count} ({PAGES}-page scans), max {max(runs):.4f}",
        flush=True,
    )
    return Row(
        name="Signing a digitized copy (PAdES B-B)",
        value=round(median, 4),
        unit="CPU s/document",
        baseline=f"first signature of a process {first:.3f} CPU s",
        target=f"<= {TARGET_CPU_SECONDS} CPU s",
        passed=median <= TARGET_CPU_SECONDS,
        note=f"median of {count}, {PAGES}-page scan PDF, RSA 2048 PKCS#12, visible stamp",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU cost of signing one digitized copy.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    emit(BenchResult("signing", [row(args.quick)]))


if __name__ == "__main__":
    main()
