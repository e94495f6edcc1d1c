"""Draw a SampleDocument as a clean grayscale scan (before any degradation).

Certificates: A4 at 300 dpi with a light double border, issuing body and motto on top,
a stamp and a signature stroke in the signer's block. Cards: ID-1 at 600 dpi on a pale
patterned background with emblem, photo box and (2021 card) QR code. Decorations stay
light or outside the text so that OCR difficulty comes from `degrade`, not from the
drawing; their randomness is seeded from the document text, so rendering is pure.
"""

from __future__ import annotations

import math
import random
import zlib

import segno
from PIL import Image, ImageDraw

from sohoa.samples.fonts import load_font
from sohoa.samples.layout import Layout, layout
from sohoa.samples.model import SampleDocument
from sohoa.samples.templates import (
    CARD_H,
    CARD_W,
    CARD_X0,
    CARD_Y0,
    EMBLEM_CENTER,
    EMBLEM_RADIUS,
    PHOTO_X0,
    PHOTO_X1,
    QR_SIZE,
)

INK = 25
PAPER = 255


def render(doc: SampleDocument) -> Image.Image:
    """A clean grayscale ('L') image of the document, `info['dpi']` set."""
    tpl = doc.page_template()
    placed = layout(tpl, doc.blocks)
    image = Image.new("L", (tpl.width, tpl.height), PAPER)
    rng = random.Random(zlib.crc32("\n".join(doc.lines).encode("utf-8")))
    if tpl.name.startswith("card"):
        _card_background(image, rng)
        _card_furniture(image, placed, doc.qr)
    else:
        if tpl.name == "certificate_a4":  # forms have a printed frame; letters do not
            _certificate_border(image)
        _stamp_and_signature(image, placed, rng)
    _draw_text(image, placed)
    image.info["dpi"] = (tpl.dpi, tpl.dpi)
    return image


def stamp_centre(doc: SampleDocument) -> tuple[float, float] | None:
    """Where a unit's stamp lands (relative x, y): over the signer's title, signature and name.

    None for documents without a signature block (cards).
    """
    tpl = doc.page_template()
    sign = [line for line in layout(tpl, doc.blocks).lines if line.region == "sign"]
    if len(sign) < 2:
        return None
    name = sign[-1]
    return (name.x0 + 0.1 * (name.x1 - name.x0)) / tpl.width, (name.top - 60) / tpl.height


def _draw_text(image: Image.Image, placed: Layout) -> None:
    draw = ImageDraw.Draw(image)
    for line in placed.lines:
        for run in line.runs:
            font = load_font(run.family, run.size, run.bold, run.italic, run.face)
            if not run.tracking:
                draw.text((run.x, run.baseline), run.text, font=font, fill=INK, anchor="ls")
                continue
            x = float(run.x)
            for letter in run.text:  # letter by letter, each followed by the extra space
                draw.text((x, run.baseline), letter, font=font, fill=INK, anchor="ls")
                x += font.getlength(letter) + run.tracking * run.size
        if line.underline:
            size = line.runs[0].size
            y = line.baseline + round(size * 0.24)
            inset = (line.x1 - line.x0) // 8
            draw.line((line.x0 + inset, y, line.x1 - inset, y), fill=INK, width=3)


def _certificate_border(image: Image.Image) -> None:
    """Double frame with small corner squares, grey like a printed form."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for inset, width in ((95, 6), (115, 2)):
        draw.rectangle((inset, inset, w - inset, h - inset), outline=140, width=width)
    for cx, cy in ((95, 95), (w - 95, 95), (95, h - 95), (w - 95, h - 95)):
        draw.rectangle((cx - 14, cy - 14, cx + 14, cy + 14), fill=140)


def _stamp_and_signature(image: Image.Image, placed: Layout, rng: random.Random) -> None:
    """A grey round stamp (red ink in grayscale) and a pen stroke above the signer's name."""
    sign = [line for line in placed.lines if line.region == "sign"]
    if len(sign) < 2:
        return
    top, bottom = sign[-2].bottom, sign[-1].top
    region = placed.template.regions["sign"]
    draw = ImageDraw.Draw(image)
    radius = max(40, min(140, (bottom - top) // 2 - 5))
    cx, cy = region.x0 + 60 + radius, (top + bottom) // 2
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=165, width=9)
    inner = radius - 26
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=165, width=3)
    star = [
        (
            cx + 0.55 * inner * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - 0.55 * inner * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    draw.polygon(star, fill=165)
    # A pen stroke: a prolate trochoid (loops like handwriting) with a gentle slope.
    x_start = cx + radius - 40
    length = min(region.x1 - 60 - x_start, 520)
    loops, r = rng.randint(4, 7), rng.uniform(28, 45)
    slope = rng.uniform(-0.12, 0.04)
    points = []
    for i in range(241):
        t = i / 240
        angle = 2 * math.pi * loops * t
        x = x_start + length * t - r * math.sin(angle)
        y = cy + slope * length * t - r * math.cos(angle) * (1.2 - 0.6 * t)
        points.append((x, y))
    draw.line(points, fill=110, width=4, joint="curve")


def _card_background(image: Image.Image, rng: random.Random) -> None:
    """Rounded pale card with a faint guilloche, kept light so it binarises away."""
    box = (CARD_X0, CARD_Y0, CARD_X0 + CARD_W, CARD_Y0 + CARD_H)
    card = Image.new("L", image.size, 240)
    pattern = ImageDraw.Draw(card)
    phase = rng.uniform(0, 2 * math.pi)
    for k in range(-4, CARD_H // 34 + 4):
        pts = [
            (x, CARD_Y0 + 34 * k + 22 * math.sin(2 * math.pi * x / 420 + phase + 0.6 * k))
            for x in range(CARD_X0, CARD_X0 + CARD_W + 1, 12)
        ]
        pattern.line(pts, fill=228, width=2)
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=70, fill=255)
    image.paste(card, (0, 0), mask)
    ImageDraw.Draw(image).rounded_rectangle(box, radius=70, outline=190, width=3)


def _card_furniture(image: Image.Image, placed: Layout, qr: str | None) -> None:
    """Emblem, photo placeholder and QR code, outside the text regions."""
    draw = ImageDraw.Draw(image)
    (cx, cy), r = EMBLEM_CENTER, EMBLEM_RADIUS
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=170, outline=120, width=6)
    star = [
        (
            cx + 0.62 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - 0.62 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    draw.polygon(star, fill=225)
    top = placed.region_top["main"] + 30
    bottom = min(top + 580, CARD_Y0 + CARD_H - 60)
    draw.rectangle((PHOTO_X0, top, PHOTO_X1, bottom), fill=215, outline=175, width=3)
    mid = (PHOTO_X0 + PHOTO_X1) // 2
    head = (PHOTO_X1 - PHOTO_X0) // 5
    draw.ellipse((mid - head, top + 110, mid + head, top + 110 + 2 * head + 30), fill=185)
    shoulders = top + 330  # upper half of an ellipse whose centre sits on the frame bottom
    draw.chord(
        (PHOTO_X0 + 40, shoulders, PHOTO_X1 - 40, 2 * bottom - shoulders), 180, 360, fill=185
    )
    if qr:
        symbol = segno.make(qr, error="m", encoding="utf-8", micro=False)
        matrix = symbol.matrix
        module = QR_SIZE // len(matrix)
        x0 = CARD_X0 + CARD_W - 60 - module * len(matrix)
        y0 = CARD_Y0 + 50
        pad = 2 * module
        draw.rectangle(
            (x0 - pad, y0 - pad, x0 + module * len(matrix) + pad, y0 + module * len(matrix) + pad),
            fill=PAPER,
        )
        for row, bits in enumerate(matrix):
            for col, bit in enumerate(bits):
                if bit:
                    draw.rectangle(
                        (
                            x0 + col * module,
                            y0 + row * module,
                            x0 + (col + 1) * module - 1,
                            y0 + (row + 1) * module - 1,
                        ),
                        fill=0,
                    )
