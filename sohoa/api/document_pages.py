"""Every page of a result for the staff viewer: the images, the fields and where they were read,
and the recognised text of each page.

A page is shown from its cleaned image (``page-NNNN.png`` of the version), the very pixels the
OCR read, so the boxes of ``fields.json`` and ``text.json`` fall on it as they are. A page with
no stored image (it failed OCR, or the version predates stored pages) is rendered from the
original by the pipeline's own rasterizer, PDF and TIFF alike, and kept beside the version; the
cleaned page was deskewed and cropped, so no box is drawn on such a page rather than a wrong one.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from io import BytesIO
from pathlib import Path

from PIL import Image
from pydantic import BaseModel, ValidationError

from pipeline.extract.registry import rules_for
from pipeline.rasterize import page_at
from pipeline.triage import triage
from pipeline.unlock import is_locked, unlocked_copy
from schemas.documents import MediaType, SourceFile
from schemas.errors import NotFound, PageFailed, SohoaError
from schemas.fields import DOC_TYPE_LABELS_VI, DocType, ExtractedField, Extraction
from schemas.ocr import Box, OcrDocument, PageStatus, PageText
from schemas.settings import Settings
from sohoa.api.labels import field_label
from sohoa.api.views import doc_type_of
from storage import keys
from storage.index.tables import Result, Scan
from storage.objects.base import ObjectStore
from storage.objects.local import LocalObjectStore

VIEW_JPEG_QUALITY = 85

PAGE_STATUS_VI: dict[str, str] = {
    PageStatus.OK.value: "",
    PageStatus.TEXT_LAYER.value: "Văn bản lấy từ lớp chữ của tệp PDF",
    PageStatus.FAILED.value: "Không nhận dạng được trang này",
    PageStatus.TIMEOUT.value: "Nhận dạng trang này quá thời gian cho phép",
}


class PageView(BaseModel):
    """One page: its image URL and, when known, the pixel size the boxes are measured in."""

    number: int
    image_url: str
    width: int | None
    height: int | None
    from_original: bool
    """No cleaned image was stored: the page is rendered from the original, without boxes."""
    text: str
    status_label: str


class PageFieldView(BaseModel):
    """A field's current value and where the machine read it (page, box in that page's pixels)."""

    name: str
    label: str
    kind: str
    value: str
    page: int | None
    box: Box | None
    confidence: float | None


class DocumentPages(BaseModel):
    result_id: int
    version: int
    doc_type: DocType
    doc_type_label: str
    page_count: int
    pages: list[PageView]
    fields: list[PageFieldView]
    original_url: str
    original_filename: str
    searchable_pdf_url: str | None


def field_kinds(doc_type: DocType) -> dict[str, tuple[str, bool]]:
    """Name → (kind, required) of the type's fields, in the order the document prints them."""
    rules = rules_for(doc_type)
    kinds: dict[str, tuple[str, bool]] = {}
    for spec in rules.fields if rules is not None else ():
        kinds.setdefault(spec.name, (spec.kind.value, spec.required))
    return kinds


def _machine_reading(store: ObjectStore, prefix: str) -> tuple[OcrDocument | None, Extraction]:
    """What the OCR read for this version; a missing or older-format file reads as nothing."""
    ocr: OcrDocument | None = None
    extraction = Extraction()
    with contextlib.suppress(NotFound, ValidationError, ValueError):
        ocr = OcrDocument.model_validate_json(store.get_bytes(prefix + keys.TEXT_NAME))
    with contextlib.suppress(NotFound, ValidationError, ValueError, KeyError, TypeError):
        data = json.loads(store.get_bytes(prefix + keys.FIELDS_NAME))
        extraction = Extraction.model_validate(data["extraction"])
    return ocr, extraction


def _stored_pages(store: ObjectStore, prefix: str) -> set[int]:
    parsed = keys.parse_derived_key(prefix)
    if parsed is None:
        return set()
    numbers = set()
    for key in store.list(prefix + "page-"):
        name = key.rsplit("/", 1)[-1]
        stem = name.removeprefix("page-").removesuffix(".png")
        if stem.isdigit() and key == keys.page_image_key(parsed.sha256, parsed.version, int(stem)):
            numbers.add(int(stem))
    return numbers


def document_pages(
    store: ObjectStore, settings: Settings, row: Result, scan: Scan
) -> DocumentPages:
    """The viewer's data for one result version (no image bytes: those come page by page)."""
    prefix = row.derived_prefix
    ocr, extraction = _machine_reading(store, prefix)
    stored = _stored_pages(store, prefix)
    texts: dict[int, PageText] = {page.page_number: page for page in ocr.pages} if ocr else {}
    count = max(len(texts), scan.page_count, max(stored, default=0))
    if count == 0:
        count = _original_source(store, settings, scan).page_count
    pages = []
    for number in range(1, count + 1):
        text = texts.get(number)
        sized = number in stored and text is not None and text.width > 0
        pages.append(
            PageView(
                number=number,
                image_url=f"/api/results/{row.id}/pages/{number}",
                width=text.width if sized and text else None,
                height=text.height if sized and text else None,
                from_original=number not in stored,
                text=text.text if text else "",
                status_label=PAGE_STATUS_VI.get(text.status.value, "") if text else "",
            )
        )
    doc_type = doc_type_of(row)
    values = dict(row.fields or {})
    kinds = field_kinds(doc_type)
    order = [name for name in kinds if name in values] + sorted(set(values) - set(kinds))
    fields = [
        _field_view(name, values[name], kinds.get(name, ("text", False))[0], extraction, stored)
        for name in order
        if values[name]
    ]
    pdf_key = prefix + keys.SEARCHABLE_PDF_NAME
    return DocumentPages(
        result_id=row.id,
        version=row.version,
        doc_type=doc_type,
        doc_type_label=DOC_TYPE_LABELS_VI[doc_type],
        page_count=count,
        pages=pages,
        fields=fields,
        original_url=f"/api/results/{row.id}/original",
        original_filename=scan.filename,
        searchable_pdf_url=(
            f"/api/results/{row.id}/searchable.pdf" if store.exists(pdf_key) else None
        ),
    )


def _field_view(
    name: str, value: str, kind: str, extraction: Extraction, stored: set[int]
) -> PageFieldView:
    read: ExtractedField | None = extraction.fields.get(name)
    page = read.page if read is not None else None
    box = read.box if read is not None and page in stored else None
    return PageFieldView(
        name=name,
        label=field_label(name),
        kind=kind,
        value=value,
        page=page,
        box=box,
        confidence=read.confidence if read is not None and read.value == value else None,
    )


def page_image(
    store: ObjectStore, settings: Settings, row: Result, scan: Scan, number: int
) -> tuple[bytes | Path, str]:
    """Page ``number`` as (bytes or a local file, media type); ``NotFound`` past the last page.

    The stored cleaned PNG when there is one; otherwise the page rendered from the original,
    made on first request and kept as ``view-NNNN.jpg`` beside the version.
    """
    parsed = keys.parse_derived_key(row.derived_prefix)
    if parsed is None or number < 1:
        raise NotFound(f"trang {number}")
    stored = keys.page_image_key(parsed.sha256, parsed.version, number)
    if store.exists(stored):
        return _local_or_bytes(store, stored), "image/png"
    cached = keys.view_image_key(parsed.sha256, parsed.version, number)
    if store.exists(cached):
        return _local_or_bytes(store, cached), "image/jpeg"
    data = render_from_original(store, settings, scan, number)
    store.put_bytes(cached, data, "image/jpeg")
    return data, "image/jpeg"


def _local_or_bytes(store: ObjectStore, key: str) -> bytes | Path:
    """A local store's file is streamed from disk; any other store's object read whole (a page
    image is a few MB at most, and a presigned redirect would break the page's img-src rule)."""
    if isinstance(store, LocalObjectStore):
        return store.local_path(key)
    return store.get_bytes(key)


def _original_source(store: ObjectStore, settings: Settings, scan: Scan) -> SourceFile:
    with tempfile.TemporaryDirectory(prefix="sohoa-view-") as scratch:
        path = Path(scratch) / "original"
        store.download(scan.original_key, path)
        return _triaged(path, settings)


def _triaged(path: Path, settings: Settings) -> SourceFile:
    try:
        return triage(path, settings.limits, settings.ocr)
    except SohoaError as exc:  # refused at intake too: there is nothing to show
        raise NotFound(f"bản gốc không hiển thị được ({exc.code})") from exc


def render_from_original(store: ObjectStore, settings: Settings, scan: Scan, number: int) -> bytes:
    """Page ``number`` of the original (PDF, TIFF, image) as a grey JPEG."""
    with tempfile.TemporaryDirectory(prefix="sohoa-view-") as scratch:
        path = Path(scratch) / "original"
        store.download(scan.original_key, path)
        source = _triaged(path, settings)
        if number > source.page_count:
            raise NotFound(f"trang {number} / {source.page_count}")
        if source.media_type is MediaType.PDF and is_locked(path):
            path = unlocked_copy(path, Path(scratch) / "unlocked.pdf")
        try:
            page = page_at(path, source, number, settings.ocr, settings.limits)
        except PageFailed as exc:
            raise NotFound(f"trang {number} không dựng được từ bản gốc") from exc
    out = BytesIO()
    Image.fromarray(page.pixels).save(out, "JPEG", quality=VIEW_JPEG_QUALITY, optimize=True)
    return out.getvalue()
