"""Generated scans for tests: render a sample document, degrade it, write it in a format."""

from __future__ import annotations

import random
from pathlib import Path

from schemas.fields import DocType
from sohoa.samples import CLEAN, DegradeProfile, build_document, degrade, render, write_sample
from sohoa.samples.model import SampleDocument
from sohoa.samples.writer import Format


def make_scan(
    dest: Path,
    doc_type: DocType,
    *,
    seed: int = 1,
    profile: DegradeProfile = CLEAN,
    fmt: Format = "png",
    stem: str | None = None,
) -> tuple[Path, SampleDocument]:
    doc = build_document(doc_type, random.Random(seed))
    image = degrade(render(doc), profile, random.Random(seed))
    path = write_sample(doc, image, dest, stem or f"{doc_type.value}-{seed}", fmt)
    return path, doc
