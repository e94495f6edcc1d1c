"""The only place that runs poppler's programs (pdfinfo, pdftoppm, pdftotext, pdffonts,
pdfseparate, pdfunite): explicit arguments, a timeout, failures turned into sohoa errors here.

Pages are rendered one at a time so memory stays bounded whatever the page count.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError
from PIL import Image

from schemas.errors import CorruptFile, EncryptedFile, PageFailed, ToolMissing

_MAX_LISTED_PAGES = 100_000  # pdfinfo clamps the range to the real page count


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    encrypted: bool
    page_size_points: tuple[float, float]  # the first page's
    page_sizes: tuple[tuple[float, float], ...] = ()  # every page's, in order

    def size_of(self, page_number: int) -> tuple[float, float]:
        if 1 <= page_number <= len(self.page_sizes):
            return self.page_sizes[page_number - 1]
        return self.page_size_points


def _binary(poppler_path: str, name: str) -> str:
    return str(Path(poppler_path) / name) if poppler_path else name


def _run(
    args: list[str], tool: str, timeout: float, what: str
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise ToolMissing(f"{tool} (poppler-utils)") from exc
    except subprocess.TimeoutExpired as exc:
        raise PageFailed(f"{tool}: {what} > {timeout:.0f}s") from exc


_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", re.MULTILINE)


def pdf_info(path: Path, *, poppler_path: str = "", timeout: float = 60.0) -> PdfInfo:
    """Page count, encryption and every page's size, without rendering anything."""
    args = [_binary(poppler_path, "pdfinfo"), "-f", "1", "-l", str(_MAX_LISTED_PAGES), str(path)]
    try:
        done = _run(args, "pdfinfo", timeout, "info")
    except PageFailed as exc:
        raise CorruptFile("pdfinfo quá thời gian") from exc
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    if "Incorrect password" in err or ("encrypted" in err.lower() and done.returncode != 0):
        raise EncryptedFile()
    if "Invalid page count 0" in err or "Wrong page range" in err:
        return PdfInfo(pages=0, encrypted=False, page_size_points=(0.0, 0.0))
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
    sizes = tuple((float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(out))
    return PdfInfo(
        pages=pages,
        encrypted=info.get("Encrypted", "no").startswith("yes"),
        page_size_points=sizes[0] if sizes else (0.0, 0.0),
        page_sizes=sizes,
    )


def font_count(path: Path, *, poppler_path: str = "", timeout: float = 60.0) -> int:
    """How many fonts the PDF uses: none means no text layer anywhere (a pure scan)."""
    done = _run([_binary(poppler_path, "pdffonts"), str(path)], "pdffonts", timeout, "fonts")
    if done.returncode != 0:
        return 0
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return sum(1 for line in lines[2:] if line.strip())


def page_text_bbox(
    path: Path, page_number: int, *, poppler_path: str = "", timeout: float = 60.0
) -> str:
    """One page's text layer as pdftotext's XHTML with a box (in points) for every word."""
    args = [
        _binary(poppler_path, "pdftotext"),
        "-bbox-layout",
        "-enc",
        "UTF-8",
        "-f",
        str(page_number),
        "-l",
        str(page_number),
        str(path),
        "-",
    ]
    done = _run(args, "pdftotext", timeout, f"page {page_number}")
    if done.returncode != 0:
        raise PageFailed(done.stderr.decode("utf-8", "replace").strip()[:200] or "pdftotext")
    return done.stdout.decode("utf-8", "replace")


def extract_page(
    path: Path, page_number: int, dest: Path, *, poppler_path: str = "", timeout: float = 60.0
) -> Path:
    """Copy one page of a PDF into its own file (pdfseparate), text layer and all."""
    args = [
        _binary(poppler_path, "pdfseparate"),
        "-f",
        str(page_number),
        "-l",
        str(page_number),
        str(path),
        str(dest),
    ]
    done = _run(args, "pdfseparate", timeout, f"page {page_number}")
    if done.returncode != 0 or not dest.exists():
        raise PageFailed(done.stderr.decode("utf-8", "replace").strip()[:200] or "pdfseparate")
    return dest


def render_page(
    path: Path, page_number: int, *, dpi: int, poppler_path: str = "", timeout: float = 120.0
) -> Image.Image:
    """Render exactly one page (1-based) to a grayscale ('L') image."""
    pixels = render_page_pixels(
        path, page_number, dpi=dpi, poppler_path=poppler_path, timeout=timeout
    )
    return Image.fromarray(pixels, mode="L")


def render_page_pixels(
    path: Path,
    page_number: int,
    *,
    dpi: int,
    poppler_path: str = "",
    timeout: float = 120.0,
    colour: bool = False,
) -> np.ndarray:
    """Render exactly one page (1-based) to grayscale pixels, or to BGR with ``colour``.

    pdf2image with first_page = last_page: one pdftoppm process per page whose output is read
    from its pipe, so a 200-page file never has more than one page in memory.
    """
    try:
        images = convert_from_path(
            str(path),
            dpi=dpi,
            first_page=page_number,
            last_page=page_number,
            grayscale=not colour,
            timeout=int(timeout),
            poppler_path=Path(poppler_path) if poppler_path else None,  # type: ignore[arg-type]
        )
    except PDFInfoNotInstalledError as exc:
        raise ToolMissing("pdftoppm (poppler-utils)") from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise PageFailed(str(exc)[:200]) from exc
    except subprocess.TimeoutExpired as exc:
        raise PageFailed(f"pdftoppm: render page {page_number} > {timeout:.0f}s") from exc
    if not images:
        raise PageFailed(f"pdftoppm rendered no page {page_number}")
    if colour:
        return np.ascontiguousarray(np.asarray(images[0].convert("RGB"), dtype=np.uint8)[..., ::-1])
    return np.asarray(images[0].convert("L"), dtype=np.uint8)


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
