"""Every kind of bad input gets its own typed error, decided before any decoding."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from pipeline.triage import sniff, triage
from schemas.documents import MediaType
from schemas.errors import (
    CorruptFile,
    DocumentTooLarge,
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    PageTooLarge,
    TooManyPages,
    UnsupportedFileType,
)
from schemas.settings import LimitSettings, OcrSettings

LIMITS = LimitSettings()
OCR = OcrSettings()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge page but carries almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def _pdf(pages: int, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", MediaType.PDF),
        (b"\xef\xbb\xbf\n%PDF-1.4", MediaType.PDF),
        (b"II*\x00abc", MediaType.TIFF),
        (b"MM\x00*abc", MediaType.TIFF),
        (b"\xff\xd8\xff\xe0", MediaType.JPEG),
        (b"\x89PNG\r\n\x1a\nxx", MediaType.PNG),
        (b"PK\x03\x04", None),
        (b"GIF89a", None),
    ],
)
def test_sniff_by_content(head: bytes, expected: MediaType | None) -> None:
    assert sniff(head) == expected


def test_extension_is_ignored(tmp_path: Path) -> None:
    image = Image.new("L", (200, 100), 255)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    source = triage(_write(tmp_path, "scan.pdf", buffer.getvalue()), LIMITS, OCR)
    assert source.media_type is MediaType.PNG
    assert source.page_count == 1


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        triage(_write(tmp_path, "empty.pdf", b""), LIMITS, OCR)


def test_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        triage(_write(tmp_path, "hoso.docx", b"PK\x03\x04" + b"\x00" * 100), LIMITS, OCR)
    assert "PDF, TIFF, JPEG, PNG" in caught.value.staff_message()


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = _pdf(3)
    with pytest.raises(CorruptFile):
        triage(_write(tmp_path, "half.pdf", data[: len(data) // 3]), LIMITS, OCR)


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFile):
        triage(_write(tmp_path, "locked.pdf", _pdf(1, password="matkhau")), LIMITS, OCR)


def test_too_many_pages(tmp_path: Path) -> None:
    limits = LimitSettings(max_pages=5)
    with pytest.raises(TooManyPages):
        triage(_write(tmp_path, "many.pdf", _pdf(6)), limits, OCR)


def test_enormous_page_rejected_from_header(tmp_path: Path) -> None:
    with pytest.raises(PageTooLarge):
        triage(_write(tmp_path, "huge.png", _png_header_only(35000, 35000)), LIMITS, OCR)


def test_file_too_large(tmp_path: Path) -> None:
    limits = LimitSettings(max_bytes=1000)
    with pytest.raises(FileTooLarge):
        triage(_write(tmp_path, "big.pdf", _pdf(1) + b"\x00" * 2000), limits, OCR)


def test_garbage_after_image_magic_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile):
        triage(_write(tmp_path, "bad.jpg", b"\xff\xd8\xff\xe0" + b"\x13" * 50), LIMITS, OCR)


def test_multipage_tiff_counts_frames(tmp_path: Path) -> None:
    frames = [Image.new("1", (300, 200), 1) for _ in range(3)]
    path = tmp_path / "batch.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    source = triage(path, LIMITS, OCR)
    assert (source.media_type, source.page_count) == (MediaType.TIFF, 3)
    assert len(source.sha256) == 64


def test_a_pdf_bomb_of_big_blank_pages_is_refused_before_rendering(tmp_path: Path) -> None:
    """499 blank pages of 40×40 inches, each just under the page limit: refused on the
    document's pixel budget, from the page sizes alone, in a fraction of a second."""
    import time

    writer = PdfWriter()
    for _ in range(499):
        writer.add_blank_page(width=40 * 72, height=40 * 72)
    out = io.BytesIO()
    writer.write(out)
    path = _write(tmp_path, "bomb.pdf", out.getvalue())
    started = time.perf_counter()
    with pytest.raises(DocumentTooLarge) as caught:
        triage(path, LIMITS, OCR)
    assert time.perf_counter() - started < 5
    assert "tách thành nhiều tệp" in caught.value.staff_message()
    normal = _write(tmp_path, "a4.pdf", _pdf(20))
    assert triage(normal, LIMITS, OCR).page_count == 20


def test_frames_over_the_document_budget_are_refused(tmp_path: Path) -> None:
    frames = [Image.new("L", (400, 400), 255) for _ in range(3)]
    path = tmp_path / "stack.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(DocumentTooLarge):
        triage(path, LimitSettings(max_pixels_per_document=400 * 400 * 2), OCR)
    assert triage(path, LIMITS, OCR).page_count == 3
