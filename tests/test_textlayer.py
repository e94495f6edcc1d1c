"""Born-digital PDFs keep their text layer; garbage or partial layers are OCR'd instead."""

from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from pipeline.evaluate.cer import score
from pipeline.ocr import TesseractEngine
from pipeline.runner import ocr_document, run_document
from pipeline.textlayer import judge, parse_bbox_layout, plausible_fraction
from pipeline.tools import poppler
from schemas.fields import DocType
from schemas.ocr import Box, Line, PageStatus, Word
from schemas.settings import Settings
from sohoa.samples import build_document, render
from sohoa.samples.model import SampleDocument

XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body><doc>
<page width="595.2" height="841.9"><flow><block xMin="72" yMin="50" xMax="200" yMax="64">
<line xMin="72" yMin="50" xMax="200" yMax="64">
<word xMin="72" yMin="50" xMax="90" yMax="64">Ho&#803;</word>
<word xMin="95" yMin="50" xMax="130" yMax="64">và</word>
<word xMin="135" yMin="50" xMax="200" yMax="64">tên:</word>
</line></block></flow></page></doc></body></html>"""

# "Cộng hoà xã hội chủ nghĩa Việt Nam" typed in a legacy TCVN3 font, as pdftotext reads it.
TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp Tù do H¹nh phóc"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"


class NoOcr:
    """Fails the test if the pipeline OCRs a page that carries a real text layer."""

    name = "no-ocr"

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        raise AssertionError(f"OCR called on {image_path.name}")

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        raise AssertionError("OSD called")


def _jpeg(gray: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(gray, mode="L").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def hand_pdf(path: Path, text: list[bytes], *, invisible: bool, image: np.ndarray | None) -> Path:
    """A one-page A4 PDF written by hand: an optional full-page scan and Helvetica text lines.

    Helvetica is one of the standard 14 fonts (nothing embedded); text bytes are WinAnsi.
    """
    ops = []
    if image is not None:
        ops.append(b"q 595 0 0 842 0 0 cm /Im1 Do Q")
    ops.append(b"BT /F1 14 Tf " + (b"3 Tr " if invisible else b"") + b"72 770 Td 18 TL")
    for line in text:
        escaped = line.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + escaped + b") Tj T*")
    ops.append(b"ET")
    content = b"\n".join(ops)
    resources = b"/Font << /F1 5 0 R >>" + (
        b" /XObject << /Im1 6 0 R >>" if image is not None else b""
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
        + resources
        + b" >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if image is not None:
        data = _jpeg(image)
        h, w = image.shape
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (w, h, len(data))
            + data
            + b"\nendstream"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture(scope="module")
def certificate() -> SampleDocument:
    return build_document(DocType.MARITAL_STATUS_CERTIFICATE, random.Random(8))


def _page_pixels(doc: SampleDocument) -> np.ndarray:
    return np.asarray(render(doc).convert("L"), dtype=np.uint8).copy()


def _searchable_layer(tmp_path: Path, settings: Settings, doc: SampleDocument) -> Path:
    """Tesseract's own one-page searchable PDF of the rendered document (a real text layer)."""
    png = tmp_path / "page.png"
    cv2.imwrite(str(png), _page_pixels(doc))
    _, layer_pdf = TesseractEngine(settings.ocr).recognize(
        png, tmp_path / "layer", dpi=300, pdf=True
    )
    assert layer_pdf is not None
    return layer_pdf


def test_bbox_layout_words_become_lines_with_pixel_boxes() -> None:
    lines = parse_bbox_layout(XHTML, scale=300 / 72)
    assert [w.text for w in lines[0].words] == ["Họ", "và", "tên:"]  # NFC
    assert lines[0].words[0].box == Box(left=300, top=208, width=75, height=58)
    assert all(w.confidence == 1.0 for w in lines[0].words)
    assert parse_bbox_layout("not xml <", 1.0) == []


def test_legacy_font_garbage_is_not_plausible() -> None:
    assert plausible_fraction("Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập “Tự do”") == 1.0
    assert plausible_fraction("Full name: NGUYEN VAN AN, No. 12/2024") == 1.0
    assert plausible_fraction(TCVN3) < 0.9
    assert plausible_fraction(VNI) < 0.9


def _words(text: str, top: int = 100) -> list[Line]:
    words = [
        Word(text=t, confidence=1.0, box=Box(left=100 + 80 * i, top=top, width=70, height=40))
        for i, t in enumerate(text.split())
    ]
    return [Line(words=words)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no_text"),
        ("(cid:71)(cid:72) (cid:3)", "unmapped_glyphs"),
        ("Ng\ufffd\ufffdy sinh", "unmapped_glyphs"),
        (TCVN3, "garbage"),
    ],
)
def test_bad_layers_are_rejected_with_a_reason(text: str, reason: str) -> None:
    verdict = judge(_words(text), np.full((800, 600), 255, dtype=np.uint8))
    assert (verdict.usable, verdict.reason) == (False, reason)


def test_a_stamp_sized_layer_on_a_scan_is_partial(certificate: SampleDocument) -> None:
    """A scanned page whose only text is a "Bản sao" stamp does not cover its printed lines."""
    verdict = judge(_words("Bản sao", top=20), _page_pixels(certificate))
    assert (verdict.usable, verdict.reason) == (False, "partial")
    assert verdict.coverage < 0.1


@pytest.mark.ocr
def test_searchable_pdf_text_layer_is_kept_without_ocr(
    tmp_path: Path, settings: Settings, certificate: SampleDocument
) -> None:
    """Tesseract's own searchable PDF carries an invisible, real text layer: it is reused."""
    layer_pdf = _searchable_layer(tmp_path, settings, certificate)
    done = ocr_document(layer_pdf, tmp_path / "scratch", settings, engine=NoOcr())
    page = done.ocr.pages[0]
    assert done.source.has_text_layer
    assert page.status is PageStatus.TEXT_LAYER
    assert page.mean_confidence == 1.0
    assert score(page.text, "\n".join(certificate.lines)).cer <= 0.03
    record = next(r for r in page.stages if r.stage == "text_layer")
    assert record.applied and float(record.detail["coverage"]) > 0.6
    assert page.stages[-1].stage == "reading_order"
    assert done.pages[0].pdf is not None and done.pages[0].image is not None


def test_visible_born_digital_text_is_kept(tmp_path: Path, settings: Settings) -> None:
    """An English-language layer is kept when the OCR languages are not Vietnamese."""
    lines = [b"UBND XA AN BINH", b"Giay xac nhan so 12/2024", b"Ho va ten: NGUYEN VAN AN"]
    pdf = hand_pdf(tmp_path / "word.pdf", lines, invisible=False, image=None)
    english = settings.model_copy(
        update={"ocr": settings.ocr.model_copy(update={"languages": "eng"})}
    )
    done = ocr_document(pdf, tmp_path / "scratch", english, engine=NoOcr())
    page = done.ocr.pages[0]
    assert page.status is PageStatus.TEXT_LAYER
    assert page.text.splitlines() == [line.decode() for line in lines]
    box = page.lines[0].words[0].box  # points → pixels at the render resolution (300 dpi)
    assert 290 <= box.left <= 310 and 250 <= box.top <= 300


def test_vietnamese_page_with_a_layer_without_marks_is_not_trusted() -> None:
    """ "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM": an OCR layer made without Vietnamese."""
    garbage = [
        "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM",
        "Dc 1p - Ty do - Hph phtic SO GIAO DVC vA DA TAO",
        "Da Nang, ngay 94 thcing 5 nam 2019",
    ]
    real = [
        "UBND THÀNH PHỐ ĐÀ NẴNG CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Đà Nẵng, ngày 24 tháng 5 năm 2019",
    ]
    page = np.full((400, 1200), 255, np.uint8)

    def lines_of(rows: list[str]) -> list[Line]:
        box = Box(left=0, top=0, width=1200, height=400)  # covers the (blank) page
        return [
            Line(words=[Word(text=t, confidence=1.0, box=box) for t in r.split()]) for r in rows
        ]

    verdict = judge(lines_of(garbage), page)
    assert (verdict.usable, verdict.reason) == (False, "not_vietnamese")
    assert verdict.marked < 0.4 and verdict.syllables < 0.8
    assert judge(lines_of(real), page).usable
    assert judge(lines_of(garbage), page, vietnamese=False).usable


@pytest.mark.ocr
def test_garbage_text_layer_is_ocred_instead(
    tmp_path: Path, settings: Settings, certificate: SampleDocument
) -> None:
    scan = _page_pixels(certificate)
    garbage = [TCVN3.encode("cp1252"), "Hä vµ tªn: NguyÔn V¨n An".encode("cp1252")]
    pdf = hand_pdf(tmp_path / "legacy.pdf", garbage, invisible=True, image=scan)
    assert poppler.font_count(pdf) == 1
    done = ocr_document(pdf, tmp_path / "scratch", settings)
    page = done.ocr.pages[0]
    layer = next(r for r in page.stages if r.stage == "text_layer")
    assert (layer.applied, layer.detail["reason"]) == (False, "garbage")
    assert page.status is PageStatus.OK
    assert score(page.text, "\n".join(certificate.lines)).cer <= 0.03


@pytest.mark.ocr
def test_owner_encrypted_pdf_with_a_text_layer_goes_through_end_to_end(
    tmp_path: Path, settings: Settings, certificate: SampleDocument
) -> None:
    """Opens without a password, restricts changes: the result and its searchable PDF are made."""
    layer_pdf = _searchable_layer(tmp_path, settings, certificate)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(layer_pdf) as pdf:
        pdf.pages.append(pdf.pages[0])  # two pages: the searchable PDF must merge them
        permissions = pikepdf.Permissions(modify_other=False, modify_annotation=False)
        pdf.save(locked, encryption=pikepdf.Encryption(owner="chủ", user="", allow=permissions))
    assert poppler.pdf_info(locked).encrypted
    done = run_document(locked, tmp_path / "scratch", settings, engine=NoOcr())
    pages = done.result.ocr.pages
    assert [p.status for p in pages] == [PageStatus.TEXT_LAYER] * 2
    assert score(pages[0].text, "\n".join(certificate.lines)).cer <= 0.03
    assert done.searchable_pdf is not None and poppler.pdf_info(done.searchable_pdf).pages == 2
