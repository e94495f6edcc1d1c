"""Kinds of page that real counters receive and a plain render is not: letter-spaced headings,
two columns of text on one sheet, a PDF whose existing OCR layer is garbage.

Each keeps the ground truth exact: the printed lines in reading order.
"""

from __future__ import annotations

import io
import random
import unicodedata
from pathlib import Path

import pikepdf
from PIL import Image

from sohoa.samples.fonts import Face
from sohoa.samples.layout import layout
from sohoa.samples.model import SampleDocument

HEADING_TRACKING = 0.35  # ems after each letter: "G I Ấ Y  K H A I  S I N H" as some forms print


def letter_spaced(doc: SampleDocument, tracking: float = HEADING_TRACKING) -> SampleDocument:
    """The same document with its centred lines (headers, title) printed letter-spaced."""
    blocks = [
        block.model_copy(
            update={
                "segments": [
                    [run.model_copy(update={"tracking": tracking}) for run in segment]
                    for segment in block.segments
                ]
            }
        )
        if block.align == "center"
        else block
        for block in doc.blocks
    ]
    lines = layout(doc.page_template(), blocks).text_rows()  # wider lines wrap sooner
    return doc.model_copy(update={"blocks": blocks, "lines": lines})


def in_face(doc: SampleDocument, face: Face) -> SampleDocument:
    """The same document printed in another typeface (its lines may wrap elsewhere)."""
    moved = doc.model_copy(update={"face": face})
    return moved.model_copy(update={"lines": layout(moved.page_template(), doc.blocks).text_rows()})


def two_columns(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two pages set side by side at half size on one sheet of the first page's size.

    Read column by column, the sheet's text is the left page's lines, then the right's.
    """
    width, height = left.size
    half = (width // 2 - width // 40, round(height * (width // 2 - width // 40) / width))
    sheet = Image.new(left.mode, (width, height), 255 if left.mode == "L" else (255, 255, 255))
    top = (height - half[1]) // 2
    sheet.paste(left.resize(half, Image.Resampling.LANCZOS), (width // 80, top))
    sheet.paste(right.resize(half, Image.Resampling.LANCZOS), (width // 2 + width // 80, top))
    dpi = left.info.get("dpi", (300, 300))
    sheet.info["dpi"] = dpi
    return sheet


# What an OCR engine without Vietnamese makes of the marked letters: the base letter, or a
# look-alike ("HỘI" → "HQI", "Ư" → "V", "Đ" → "B").
_CONFUSIONS = {"Ộ": "Q", "Ư": "V", "Đ": "B", "ư": "u", "đ": "d", "Ơ": "0", "ơ": "o", "Ệ": "E"}


def garbage_text(line: str, rng: random.Random) -> str:
    """A line as a text layer made without Vietnamese shows it: marks gone, letters confused."""
    out = []
    for char in line:
        if char in _CONFUSIONS and rng.random() < 0.6:
            out.append(_CONFUSIONS[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base if base.isascii() else "?")
        if base.isalpha() and rng.random() < 0.04:
            out.append(rng.choice("iIl1J"))
    return "".join(out)


def write_garbage_layer_pdf(
    image: Image.Image, lines: list[str], path: Path, rng: random.Random
) -> Path:
    """A scanned page (JPEG) under an invisible text layer of garbled lines, as old scanner
    software wrote them; the layer is Helvetica (a standard font: nothing embedded)."""
    dpi = round(image.info.get("dpi", (300, 300))[0])
    width_pt, height_pt = image.width * 72 / dpi, image.height * 72 / dpi
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="JPEG", quality=90)
    pdf = pikepdf.new()
    picture = pikepdf.Stream(pdf, buffer.getvalue())
    picture.Type, picture.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    picture.Width, picture.Height = image.width, image.height
    picture.ColorSpace, picture.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    picture.Filter = pikepdf.Name.DCTDecode
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )
    step = (height_pt - 144) / max(len(lines), 1)
    ops = [f"q {width_pt:.2f} 0 0 {height_pt:.2f} 0 0 cm /Im1 Do Q".encode()]
    ops.append(f"BT /F1 11 Tf 3 Tr 72 {height_pt - 72:.2f} Td {step:.2f} TL".encode())
    for line in lines:
        text = garbage_text(line, rng).encode("cp1252", "replace")
        escaped = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + escaped + b") Tj T*")
    ops.append(b"ET")
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, width_pt, height_pt],
        Resources=pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=picture)
        ),
        Contents=pikepdf.Stream(pdf, b"\n".join(ops)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path
