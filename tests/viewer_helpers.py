"""Results with what the pipeline stores beside them (text.json, fields.json), or with only an
original (TIFF, PDF) and no page image, for the viewer and review desk tests."""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image, ImageDraw

from schemas.fields import ExtractedField, Extraction
from schemas.ocr import Box, Line, OcrDocument, PageText, Word
from storage import keys
from storage.index.db import Index
from storage.index.results import save_version
from storage.index.scans import register_scan
from storage.index.tables import Result, Scan
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import UNIT

NAME_BOX = Box(left=220, top=300, width=300, height=40)
DOB_BOX = Box(left=220, top=360, width=200, height=40)


def sha_of(index: Index, result_id: int) -> str:
    with index.session() as session:
        row = session.get(Result, result_id)
        assert row is not None
        scan = session.get(Scan, row.scan_id)
        assert scan is not None
        return scan.sha256


def store_reading(store: LocalObjectStore, sha: str, *, pages: int = 1) -> None:
    """The OCR text of ``pages`` pages of 600×800 px, and full_name / date_of_birth read on
    page 1 at NAME_BOX / DOB_BOX, as ``workers/artefacts`` writes them for version 1."""
    texts = []
    for number in range(1, pages + 1):
        words = [
            Word(text="Họ,", confidence=0.9, box=Box(left=40, top=300, width=50, height=40)),
            Word(text="tên:", confidence=0.9, box=Box(left=100, top=300, width=60, height=40)),
            Word(text="NGUYEN", confidence=0.6, box=Box(left=220, top=300, width=140, height=40)),
        ]
        line = Line(words=words) if number == 1 else Line(words=[words[0]])
        texts.append(PageText(page_number=number, width=600, height=800, lines=[line]))
    store.put_bytes(
        keys.text_key(sha, 1),
        OcrDocument(pages=texts, engine="test").model_dump_json().encode(),
        "application/json",
    )
    extraction = Extraction(
        fields={
            "full_name": ExtractedField(
                name="full_name", value="NGUYEN VAN DUC", confidence=0.6, page=1, box=NAME_BOX
            ),
            "date_of_birth": ExtractedField(
                name="date_of_birth", value="2024-03-12", confidence=0.95, page=1, box=DOB_BOX
            ),
        }
    )
    body = '{"extraction": ' + extraction.model_dump_json() + "}"
    store.put_bytes(keys.fields_key(sha, 1), body.encode(), "application/json")


def tiff_pages(count: int, size: tuple[int, int] = (400, 560)) -> bytes:
    pages = []
    for number in range(1, count + 1):
        page = Image.new("L", size, 255)
        ImageDraw.Draw(page).text((30, 30), f"TRANG {number}", fill=0)
        pages.append(page)
    out = BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], dpi=(200, 200))
    return out.getvalue()


def pdf_pages(count: int) -> bytes:
    pages = [Image.new("L", (595, 842), 255) for _ in range(count)]
    for number, page in enumerate(pages, start=1):
        ImageDraw.Draw(page).text((40, 40), f"TRANG {number}", fill=0)
    out = BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=72.0)
    return out.getvalue()


def seed_original_only(
    index: Index,
    store: LocalObjectStore,
    original: bytes,
    filename: str,
    content_type: str,
    fields: dict[str, str],
    *,
    unit_code: str = UNIT,
) -> int:
    """A result whose version has no page image at all: the viewer renders from the original."""
    sha = hashlib.sha256(original).hexdigest()
    store.put_immutable(keys.original_key(sha), original, content_type)
    with index.session() as session:
        scan, _ = register_scan(
            session,
            sha256=sha,
            filename=filename,
            size_bytes=len(original),
            original_key=keys.original_key(sha),
            unit_code=unit_code,
        )
        row = save_version(
            session,
            Result(
                scan_id=scan.id,
                version=1,
                doc_type="birth_certificate",
                fields=dict(fields),
                derived_prefix=keys.derived_prefix(sha, 1),
                unit_code=unit_code,
                mean_confidence=0.9,
            ),
        )
        return row.id
