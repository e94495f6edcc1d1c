"""Sample generator images: rendering, degradation and every output format."""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from schemas.fields import DocType
from sohoa.samples import (
    CLEAN,
    COUNTER,
    HARSH,
    DegradeProfile,
    FontNotFoundError,
    Format,
    SampleDocument,
    build_document,
    degrade,
    find_font,
    generate_corpus,
    random_profile,
    render,
    write_multipage_pdf,
    write_sample,
)
from sohoa.samples.documents import VARIANTS
from sohoa.samples.layout import layout
from sohoa.samples.templates import CARD_H, CARD_MARGIN, CARD_W, TEMPLATES


@pytest.fixture(scope="module")
def birth() -> SampleDocument:
    return build_document(DocType.BIRTH_CERTIFICATE, random.Random(11))


@pytest.fixture(scope="module")
def card() -> SampleDocument:
    return build_document(DocType.ID_CARD, random.Random(11), "cccd_2021")


@pytest.fixture(scope="module")
def birth_image(birth: SampleDocument) -> Image.Image:
    return render(birth)


def dark_fraction(image: Image.Image) -> float:
    return float((np.asarray(image.convert("L")) < 128).mean())


def test_fonts_found() -> None:
    assert find_font("serif").is_file() and find_font("sans", bold=True).is_file()
    assert issubclass(FontNotFoundError, RuntimeError)


def test_certificate_is_a4_at_300_dpi(birth_image: Image.Image) -> None:
    assert birth_image.mode == "L"
    assert birth_image.size == (2480, 3508)
    assert birth_image.info["dpi"] == (300, 300)
    assert 0.005 < dark_fraction(birth_image) < 0.2


def test_card_is_id1_at_600_dpi_with_margin(card: SampleDocument) -> None:
    image = render(card)
    assert abs(CARD_W / 600 * 25.4 - 85.6) < 0.1 and abs(CARD_H / 600 * 25.4 - 54) < 0.1
    assert image.size == (CARD_W + 2 * CARD_MARGIN, CARD_H + 2 * CARD_MARGIN)
    assert image.info["dpi"] == (600, 600)
    assert dark_fraction(image) > 0.005
    assert card.qr and card.qr.split("|")[0] == card.fields["id_number"]


@pytest.mark.parametrize("variant", ["cccd_2021", "can_cuoc_2024", "cmnd", None])
def test_lines_do_not_overlap_and_stay_on_the_page(variant: str | None) -> None:
    kind = DocType.ID_CARD if variant else DocType.MARRIAGE_CERTIFICATE
    for seed in range(5):
        doc = build_document(kind, random.Random(seed), variant)
        placed = layout(TEMPLATES[doc.template], doc.blocks)
        assert placed.text_rows() == doc.lines
        for region in placed.template.regions:
            lines = sorted(
                (ln for ln in placed.lines if ln.region == region), key=lambda ln: ln.top
            )
            for upper, lower in itertools.pairwise(lines):
                assert upper.bottom <= lower.top
            spec = placed.template.regions[region]
            for line in lines:
                assert spec.x0 - 1 <= line.x0 and line.x1 <= spec.x1 + 1
                assert line.bottom <= spec.y_max


def test_quarter_turn_swaps_dimensions(birth_image: Image.Image) -> None:
    turned = degrade(birth_image, DegradeProfile(rotate=90), random.Random(0))
    assert turned.size == (birth_image.height, birth_image.width)
    upside = degrade(birth_image, DegradeProfile(rotate=180), random.Random(0))
    assert upside.size == birth_image.size


def test_degrade_presets(birth_image: Image.Image) -> None:
    small = birth_image.resize((620, 877))
    small.info["dpi"] = (300, 300)
    clean = degrade(small, CLEAN, random.Random(0))
    assert np.array_equal(np.asarray(clean), np.asarray(small))
    skewed = degrade(
        small, DegradeProfile(skew_degrees=10, skew_random=False, border="black"), random.Random(0)
    )
    assert skewed.width > small.width and np.asarray(skewed)[0, 0] == 0
    for profile in (COUNTER, HARSH):
        out = degrade(small, profile, random.Random(1))
        assert out.mode == "L" and out != small
        assert out == degrade(small, profile, random.Random(1))  # same rng, same scan
    lowres = degrade(small, DegradeProfile(dpi=150), random.Random(0))
    assert lowres.size == (310, 438) and lowres.info["dpi"] == (150, 150)
    assert random_profile(random.Random(0), 0.0) == CLEAN
    rough = random_profile(random.Random(0), 1.0)
    assert rough.skew_degrees == 15 and rough.jpeg_quality is not None


@pytest.mark.parametrize("fmt", ["png", "jpeg", "tiff", "tiff-g4", "pdf"])
def test_every_format_writes_and_reads_back(
    fmt: str, birth: SampleDocument, birth_image: Image.Image, tmp_path: Path
) -> None:
    path = write_sample(birth, birth_image, tmp_path, "birth", fmt)  # type: ignore[arg-type]
    truth = json.loads((tmp_path / "birth.truth.json").read_text(encoding="utf-8"))
    assert truth == {
        "doc_type": "birth_certificate",
        "variant": birth.variant,
        "fields": birth.fields,
        "lines": birth.lines,
    }
    if fmt == "pdf":
        assert len(PdfReader(path).pages) == 1
        return
    with Image.open(path) as image:
        assert image.size == birth_image.size
        if fmt == "tiff-g4":
            assert image.mode == "1" and image.info["compression"] == "group4"


def test_multipage_tiff_and_pdf(
    birth: SampleDocument, birth_image: Image.Image, card: SampleDocument, tmp_path: Path
) -> None:
    pages = [birth_image, render(card)]
    formats: tuple[Format, ...] = ("tiff", "tiff-g4")
    for fmt in formats:
        path = write_sample(birth, pages, tmp_path, f"two-{fmt}", fmt)
        with Image.open(path) as image:
            assert getattr(image, "n_frames", 1) == 2
    pdf = write_multipage_pdf([*pages, birth_image], tmp_path / "three.pdf")
    assert len(PdfReader(pdf).pages) == 3
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        assert re.search(r"^Pages:\s+3$", info, re.MULTILINE)
    with pytest.raises(ValueError):
        write_sample(birth, pages, tmp_path, "two", "png")


def test_generate_corpus_cycles_through_types(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, len(VARIANTS), seed=3, severity=0.3, formats=("jpeg",))
    assert len(paths) == len(VARIANTS) and all(p.suffix == ".jpg" and p.is_file() for p in paths)
    kinds = {
        json.loads(p.with_name(p.name.replace(".jpg", ".truth.json")).read_text(encoding="utf-8"))[
            "doc_type"
        ]
        for p in paths
    }
    assert kinds == {k.value for k in DocType} - {"other"}
    again = generate_corpus(tmp_path / "again", 2, seed=3, severity=0.3, formats=("jpeg",))
    assert again[1].read_bytes() == paths[1].read_bytes()


def test_card_qr_decodes_to_the_fields_md_payload(card: SampleDocument) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    found = [barcode.text for barcode in zxingcpp.read_barcodes(render(card))]
    assert found == [card.qr]
    assert card.qr is not None
    number, _old, _name, born, sex, residence, _issued = card.qr.split("|")
    assert number == card.fields["id_number"] and sex == card.fields["sex"]
    assert born == "".join(reversed(card.fields["date_of_birth"].split("-")))
    assert residence == card.fields["place_of_residence"]
