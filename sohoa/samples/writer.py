"""Write samples as the files counters actually produce, each with its ground truth.

Scanners hand in PNG, JPEG, TIFF (often bilevel CCITT G4, often multi-page) and
image-only PDFs; the pipeline must read them all, so the corpus writes them all. Next to
each image sits `<stem>.truth.json` = {doc_type, variant, fields, lines} (plus `qr`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from sohoa.samples.degrade import CLEAN, DegradeProfile, degrade, random_profile
from sohoa.samples.documents import document_for_index
from sohoa.samples.model import SampleDocument
from sohoa.samples.render import render

Format = Literal["png", "jpeg", "tiff", "tiff-g4", "pdf"]
FORMATS: tuple[Format, ...] = ("png", "jpeg", "tiff", "tiff-g4", "pdf")
SUFFIXES: dict[Format, str] = {
    "png": ".png",
    "jpeg": ".jpg",
    "tiff": ".tiff",
    "tiff-g4": ".g4.tiff",
    "pdf": ".pdf",
}
MULTIPAGE: frozenset[Format] = frozenset({"tiff", "tiff-g4", "pdf"})


def _dpi(image: Image.Image) -> int:
    return round(image.info.get("dpi", (300, 300))[0])


def as_scanned(image: Image.Image) -> Image.Image:
    """Colour pages (a red stamp) stay colour; everything else is written grayscale."""
    return image if image.mode == "RGB" else image.convert("L")


def to_bilevel(image: Image.Image) -> Image.Image:
    """Black and white ('1') by Otsu's threshold, as a scanner's B/W mode does."""
    array = np.asarray(image.convert("L"), dtype=np.uint8)
    _, binary = cv2.threshold(array, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bilevel = Image.fromarray(binary, mode="L").convert("1", dither=Image.Dither.NONE)
    bilevel.info["dpi"] = image.info.get("dpi", (300, 300))
    return bilevel


def write_multipage_tiff(images: Sequence[Image.Image], path: Path, group4: bool = False) -> Path:
    """One TIFF with every page: LZW grayscale, or CCITT G4 bilevel with `group4`."""
    if not images:
        raise ValueError("no pages to write")
    pages = [to_bilevel(im) if group4 else as_scanned(im) for im in images]
    pages[0].save(
        path,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="group4" if group4 else "tiff_lzw",
        dpi=(_dpi(images[0]), _dpi(images[0])),
    )
    return path


def write_multipage_pdf(images: Sequence[Image.Image], path: Path) -> Path:
    """An image-only ("scanned") PDF, one page per image, at the first image's dpi."""
    if not images:
        raise ValueError("no pages to write")
    pages = [as_scanned(im) for im in images]
    pages[0].save(
        path,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(_dpi(images[0])),
    )
    return path


def write_truth(doc: SampleDocument, path: Path) -> Path:
    """The ground truth as UTF-8 JSON (Vietnamese kept readable)."""
    path.write_text(json.dumps(doc.truth(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def truth_path(dest_dir: Path, stem: str) -> Path:
    return Path(dest_dir) / f"{stem}.truth.json"


def write_sample(
    doc: SampleDocument,
    image: Image.Image | Sequence[Image.Image],
    dest_dir: Path | str,
    stem: str,
    fmt: Format = "png",
) -> Path:
    """Write the image (several pages: tiff, pdf) and `<stem>.truth.json`; return the image."""
    if fmt not in SUFFIXES:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    pages = [image] if isinstance(image, Image.Image) else list(image)
    if len(pages) > 1 and fmt not in MULTIPAGE:
        raise ValueError(f"{fmt} holds one page; got {len(pages)} (use tiff or pdf)")
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{stem}{SUFFIXES[fmt]}"
    dpi = (_dpi(pages[0]), _dpi(pages[0]))
    if fmt == "png":
        pages[0].save(path, format="PNG", dpi=dpi)
    elif fmt == "jpeg":
        as_scanned(pages[0]).save(path, format="JPEG", quality=92, dpi=dpi)
    elif fmt == "pdf":
        write_multipage_pdf(pages, path)
    else:
        write_multipage_tiff(pages, path, group4=fmt == "tiff-g4")
    write_truth(doc, truth_path(dest, stem))
    return path


def generate_corpus(
    dest_dir: Path | str,
    count: int,
    seed: int = 0,
    profile: DegradeProfile | None = None,
    severity: float | None = None,
    formats: Sequence[Format] = ("png",),
) -> list[Path]:
    """Render, degrade and write `count` samples cycling through every doc type and variant.

    `profile` applies to every sample; otherwise `severity` draws a profile per sample
    (random_profile); with neither, samples are clean. Returns the image paths, in order.
    """
    if profile is not None and severity is not None:
        raise ValueError("give a profile or a severity, not both")
    written: list[Path] = []
    for index in range(count):
        doc = document_for_index(seed, index)
        rng = random.Random(f"sohoa-degrade-{seed}-{index}")
        chosen = profile or (random_profile(rng, severity) if severity is not None else CLEAN)
        image = degrade(render(doc), chosen, rng)
        stem = f"{index:05d}_{doc.doc_type.value}_{doc.variant}"
        written += [write_sample(doc, image, dest_dir, stem, fmt) for fmt in formats]
    return written
