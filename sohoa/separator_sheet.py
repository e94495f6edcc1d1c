"""The printable separator sheet: a large QR code for the machine, large type for the staff.

One A4 page drawn at 300 dpi. The QR code is about 70 mm wide with error correction Q, so its
modules stay over 1.5 mm: several pixels each even in a 100-dpi rendering of a 200-dpi scan, and
readable through a staple hole or a pen mark. The label repeats everything the code says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from pipeline.codes_payloads import SeparatorQr
from schemas.dossiers import DigitizationKind
from sohoa.samples.fonts import find_font

DPI = 300
A4 = (2480, 3508)
MARGIN = 200
QR_WIDTH = 830  # ≈ 70 mm at 300 dpi
TITLE = "TỜ PHÂN CÁCH HỒ SƠ"
KIND_LABELS = {
    DigitizationKind.COMPONENT: "Thành phần hồ sơ",
    DigitizationKind.RESULT: "Kết quả giải quyết",
}
HINT = (
    "Đặt tờ này ngay trước các trang của thành phần trên khi quét cả hồ sơ một lần. "
    "Máy tự tách hồ sơ theo tờ này; bản thân tờ này không được lưu."
)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font("sans", bold)), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def qr_image(payload: str, scale: int, error: str = "q", border: int = 4) -> Image.Image:
    """A QR code as a grayscale image, ``scale`` pixels per module, ``border`` quiet modules."""
    symbol = segno.make(payload, error=error, micro=False, boost_error=False)
    rows = np.asarray(list(symbol.matrix), dtype=np.uint8)
    rows = np.pad(rows, border)
    pixels = np.where(rows > 0, 0, 255).astype(np.uint8)
    return Image.fromarray(np.kron(pixels, np.ones((scale, scale), dtype=np.uint8)), mode="L")


def _qr(payload: str) -> Image.Image:
    symbol = segno.make(payload, error="q", micro=False, boost_error=False)
    modules = int(symbol.symbol_size(border=0)[0])
    return qr_image(payload, max(4, QR_WIDTH // modules))


def render_separator(sheet: SeparatorQr) -> Image.Image:
    """The sheet as a grayscale A4 image at 300 dpi (``info['dpi']`` set)."""
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    width = A4[0] - 2 * MARGIN
    draw.rectangle((MARGIN // 2, MARGIN // 2, A4[0] - MARGIN // 2, A4[1] - MARGIN // 2), width=12)
    y = MARGIN + 40
    title = _font(120, bold=True)
    draw.text((A4[0] // 2, y), TITLE, font=title, fill=0, anchor="ma")
    y += 220
    code = _qr(sheet.payload())
    page.paste(code, ((A4[0] - code.width) // 2, y))
    y += code.height + 80
    rows = [
        ("Mã hồ sơ", sheet.dossier_code),
        ("Thành phần", sheet.component),
        ("Mã thủ tục", sheet.procedure_code or "—"),
        ("Loại", KIND_LABELS[sheet.kind]),
    ]
    label, value = _font(64), _font(84, bold=True)
    for name, text in rows:
        draw.text((MARGIN, y), f"{name}:", font=label, fill=0)
        y += 90
        for line in _wrap(text, value, width):
            draw.text((MARGIN + 40, y), line, font=value, fill=0)
            y += 110
        y += 30
    hint = _font(48)
    for line in _wrap(HINT, hint, width):
        draw.text((MARGIN, y), line, font=hint, fill=0)
        y += 66
    page.info["dpi"] = (DPI, DPI)
    return page


def write_separator_pdf(sheet: SeparatorQr, path: Path) -> Path:
    """The sheet as a one-page PDF (black and white, so printers keep the code crisp)."""
    image = render_separator(sheet).convert("1", dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PDF", resolution=float(DPI))
    return path
