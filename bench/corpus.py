"""The shared page set: the same pixels for sohoa, bare Tesseract and OCRmyPDF.

Counter paper is a mix of dense A4 certificates (300 dpi) and sparse ID cards (600 dpi), so the
set cycles through every generated document kind, degraded with the COUNTER preset. Pages are
written as PNG (what sohoa and bare ``tesseract`` read) and as one multi-page PDF built with
img2pdf, which embeds the PNGs losslessly at each page's own resolution, so OCRmyPDF
rasterizes exactly the same pixels. Everything follows from the seed.

    .venv/bin/python -m bench.corpus /tmp/pages --quick
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from sohoa.samples import COUNTER, degrade, render
from sohoa.samples.documents import document_for_index

SEED = 2024
QUICK_PAGES = 8
FULL_PAGES = 40


@dataclass(frozen=True)
class Corpus:
    """Page images in order, the PDF holding them, and what each page is."""

    root: Path
    pages: list[Path]
    pdf: Path
    kinds: list[str]

    @property
    def count(self) -> int:
        return len(self.pages)

    def mix(self) -> str:
        cards = sum(1 for kind in self.kinds if kind == "id_card")
        return f"{self.count} pages: {self.count - cards} A4 certificates, {cards} ID cards"


def page_count(quick: bool) -> int:
    return QUICK_PAGES if quick else FULL_PAGES


def write_pdf(pages: list[Path], path: Path) -> Path:
    """One image-only PDF, each page the PNG's own pixels at its own dpi (no re-encoding)."""
    import img2pdf  # from the bench extra (ocrmypdf needs it)

    path.write_bytes(img2pdf.convert([str(p) for p in pages]))
    return path


def build_corpus(dest: Path, count: int, seed: int = SEED) -> Corpus:
    """Render, degrade and write ``count`` pages (reused when already there for this seed)."""
    dest.mkdir(parents=True, exist_ok=True)
    manifest = dest / "corpus.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("seed") == seed and data.get("count") == count:
            return Corpus(
                root=dest,
                pages=[dest / name for name in data["pages"]],
                pdf=dest / data["pdf"],
                kinds=list(data["kinds"]),
            )
    pages: list[Path] = []
    kinds: list[str] = []
    for index in range(count):
        doc = document_for_index(seed, index)
        rng = random.Random(f"bench-degrade-{seed}-{index}")
        image: Image.Image = degrade(render(doc), COUNTER, rng).convert("L")
        dpi = image.info.get("dpi", (300, 300))
        path = dest / f"page-{index:03d}-{doc.doc_type.value}.png"
        image.save(path, format="PNG", dpi=(round(dpi[0]), round(dpi[1])))
        pages.append(path)
        kinds.append(doc.doc_type.value)
    pdf = write_pdf(pages, dest / "pages.pdf")
    manifest.write_text(
        json.dumps(
            {
                "seed": seed,
                "count": count,
                "pages": [p.name for p in pages],
                "pdf": pdf.name,
                "kinds": kinds,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return Corpus(root=dest, pages=pages, pdf=pdf, kinds=kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the benchmark page set.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAGES} pages")
    parser.add_argument("--pages", type=int, default=None, help="override the page count")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    corpus = build_corpus(args.dest, args.pages or page_count(args.quick), args.seed)
    print(f"{corpus.mix()} in {corpus.root} (+ {corpus.pdf.name})")


if __name__ == "__main__":
    main()
