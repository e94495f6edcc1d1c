"""The only place that runs poppler (through pdf2image and ``pdfinfo``).

Pages are rendered one at a time so memory stays bounded whatever the page count.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError
from PIL import Image

from schemas.errors import CorruptFile, EncryptedFile, PageFailed, ToolMissing


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    encrypted: bool
    page_size_points: tuple[float, float]


def _binary(poppler_path: str, name: str) -> str:
    return str(Path(poppler_path) / name) if poppler_path else name


def pdf_info(path: Path, *, poppler_path: str = "", timeout: float = 60.0) -> PdfInfo:
    """Page count, encryption and first-page size, without rendering anything."""
    try:
        done = subprocess.run(
            [_binary(poppler_path, "pdfinfo"), str(path)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolMissing("pdfinfo (poppler-utils)") from exc
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile("pdfinfo quá thời gian") from exc
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    if "Incorrect password" in err or ("encrypted" in err.lower() and done.returncode != 0):
        raise EncryptedFile()
    if done.returncode != 0:
        raise CorruptFile(err.strip().splitlines()[-1] if err.strip() else "pdfinfo failed")
    info: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    try:
        pages = int(info.get("Pages", "0"))
    except ValueError:
        pages = 0
    size = (0.0, 0.0)
    parts = info.get("Page size", "").split()
    if len(parts) >= 3 and parts[1] == "x":
        try:
            size = (float(parts[0]), float(parts[2]))
        except ValueError:
            size = (0.0, 0.0)
    return PdfInfo(
        pages=pages, encrypted=info.get("Encrypted", "no").startswith("yes"), page_size_points=size
    )


def render_page(
    path: Path, page_number: int, *, dpi: int, poppler_path: str = "", timeout: float = 120.0
) -> Image.Image:
    """Render exactly one page (1-based) to a grayscale image."""
    try:
        images = convert_from_path(
            str(path),
            dpi=dpi,
            first_page=page_number,
            last_page=page_number,
            grayscale=True,
            poppler_path=poppler_path or None,
            timeout=int(timeout),
        )
    except PDFInfoNotInstalledError as exc:
        raise ToolMissing("poppler-utils") from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise CorruptFile(str(exc)[:200]) from exc
    except subprocess.TimeoutExpired as exc:
        raise PageFailed(f"render page {page_number} > {timeout:.0f}s") from exc
    if not images:
        raise PageFailed(f"poppler rendered nothing for page {page_number}")
    return images[0]


def version(poppler_path: str = "") -> str:
    try:
        done = subprocess.run(
            [_binary(poppler_path, "pdftoppm"), "-v"], capture_output=True, timeout=30, check=False
        )
    except FileNotFoundError as exc:
        raise ToolMissing("pdftoppm (poppler-utils)") from exc
    text = (done.stderr or done.stdout).decode("utf-8", "replace").splitlines()
    return text[0].strip() if text else "poppler"


def unite(pdfs: list[Path], dest: Path, *, poppler_path: str = "", timeout: float = 600.0) -> Path:
    """Join one-page PDFs on disk (pdfunite), so a 200-page document never sits in our memory."""
    if len(pdfs) == 1:
        dest.write_bytes(pdfs[0].read_bytes())
        return dest
    try:
        done = subprocess.run(
            [_binary(poppler_path, "pdfunite"), *map(str, pdfs), str(dest)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ToolMissing("pdfunite (poppler-utils)") from exc
    if done.returncode != 0:
        raise PageFailed(done.stderr.decode("utf-8", "replace")[:200])
    return dest
