"""Page templates and block helpers shared by the document builders and the renderer.

Sizes are chosen for OCR legibility at the stated resolution:
- certificates: A4 at 300 dpi (2480×3508), body 50 px ≈ 12 pt, headings 46 px bold,
  title 70 px bold — the sizes of the printed Ministry of Justice forms;
- ID cards: ID-1 (85.6×54 mm) at 600 dpi, i.e. 2022×1276 px plus a 3 mm white margin.
  Real card text is 6–8 pt, which at 300 dpi gives glyphs too small for Tesseract to reach
  the accuracy we need; counter scanners scan small originals at a higher setting, so the
  card is rendered "as scanned at 600 dpi" with base text 40 px (≈ 4.8 pt physical, i.e.
  roughly the size of the real card's value text, 10 pt at 300 dpi equivalent).
"""

from __future__ import annotations

from sohoa.samples.layout import Align, Block, Region, Run, Template

A4_W, A4_H = 2480, 3508
CARD_W, CARD_H = 2022, 1276  # ID-1 at 600 dpi
CARD_MARGIN = 71  # 3 mm at 600 dpi
CARD_X0 = CARD_Y0 = CARD_MARGIN
PHOTO_X0, PHOTO_X1 = CARD_X0 + 60, CARD_X0 + 500
EMBLEM_CENTER, EMBLEM_RADIUS = (CARD_X0 + 180, CARD_Y0 + 180), 120
QR_SIZE = 290  # ≈ 12 mm at 600 dpi, top right as on the 2021 card

CERTIFICATE = Template(
    name="certificate_a4",
    width=A4_W,
    height=A4_H,
    dpi=300,
    family="serif",
    value_family="sans",
    base_size=50,
    leading=1.55,
    regions={
        "head_left": Region(x0=190, x1=980, y0=250, y_max=700),
        "head_right": Region(x0=980, x1=2300, y0=250, y_max=700),
        "title": Region(
            x0=240, x1=2280, y0=250, y_max=1000, after=("head_left", "head_right"), gap=110
        ),
        "main": Region(x0=240, x1=2260, y0=250, y_max=2950, after=("title",), gap=70),
        "sign": Region(x0=1150, x1=2280, y0=250, y_max=3330, after=("main",), gap=90),
    },
)

ADMINISTRATIVE = Template(
    name="decree30_a4",
    width=A4_W,
    height=A4_H,
    dpi=300,
    family="serif",
    value_family="serif",
    base_size=54,  # 13 pt at 300 dpi, the body size Decree 30 prescribes
    leading=1.45,
    regions={
        # Margins per Decree 30: top 20-25 mm, left 30-35 mm, right 15-20 mm.
        "head_left": Region(x0=250, x1=1150, y0=250, y_max=1000),
        "head_right": Region(x0=1150, x1=2330, y0=250, y_max=1000),
        "title": Region(
            x0=355, x1=2280, y0=250, y_max=1500, after=("head_left", "head_right"), gap=80
        ),
        "main": Region(x0=355, x1=2280, y0=250, y_max=2750, after=("title",), gap=60),
        "recipients": Region(x0=355, x1=1150, y0=250, y_max=3350, after=("main",), gap=80),
        "sign": Region(x0=1200, x1=2280, y0=250, y_max=3350, after=("main",), gap=80),
        # A certified copy's block under the document: copying body left, "SAO Y" right.
        "copy_left": Region(
            x0=355, x1=1150, y0=250, y_max=3400, after=("recipients", "sign"), gap=110
        ),
        "copy_right": Region(
            x0=1200, x1=2280, y0=250, y_max=3400, after=("recipients", "sign"), gap=110
        ),
    },
)

CARD = Template(
    name="card_id1_600dpi",
    width=CARD_W + 2 * CARD_MARGIN,
    height=CARD_H + 2 * CARD_MARGIN,
    dpi=600,
    family="sans",
    value_family="sans",
    base_size=44,
    leading=1.4,
    segment_gap=1.4,
    regions={
        "head": Region(
            x0=CARD_X0 + 330,
            x1=CARD_X0 + CARD_W - QR_SIZE - 100,
            y0=CARD_Y0 + 40,
            y_max=CARD_Y0 + 420,
        ),
        "main": Region(
            x0=CARD_X0 + 560,
            x1=CARD_X0 + CARD_W - 50,
            y0=CARD_Y0 + 40,
            y_max=CARD_Y0 + CARD_H - 40,
            after=("head",),
            gap=24,
        ),
    },
)

TEMPLATES: dict[str, Template] = {t.name: t for t in (CERTIFICATE, ADMINISTRATIVE, CARD)}


def text(
    value: str,
    region: str = "main",
    *,
    filled: bool = False,
    bold: bool = False,
    italic: bool = False,
    align: Align = "left",
    scale: float = 1.0,
    space_before: float = 0.0,
    nowrap: bool = False,
    underline: bool = False,
) -> Block:
    """A block of plain text in one style (`filled`: data, in the value font)."""
    return Block(
        segments=[[Run(text=value, bold=bold, italic=italic, value=filled)]],
        region=region,
        align=align,
        scale=scale,
        space_before=space_before,
        nowrap=nowrap,
        underline=underline,
    )


def pair(label: str, value: str, *, bold: bool = True) -> list[Run]:
    """One "Label: value" segment; the filled-in value is in the value font, bold."""
    runs = [Run(text=label)]
    if value:
        runs.append(Run(text=value, bold=bold, value=True))
    return runs


def fields_line(
    *segments: list[Run], region: str = "main", scale: float = 1.0, space_before: float = 0.0
) -> Block:
    """Label/value segments side by side on one line (wrapping to the next if too wide)."""
    return Block(segments=list(segments), region=region, scale=scale, space_before=space_before)


def certificate_head(commune_upper: str) -> list[Block]:
    """Issuing body (top left) then the national motto (top right)."""
    return [
        text("ỦY BAN NHÂN DÂN", "head_left", bold=True, align="center", scale=0.92),
        text(commune_upper, "head_left", bold=True, align="center", scale=0.92, underline=True),
        *motto(),
    ]


def motto(region: str = "head_right") -> list[Block]:
    """The national motto, two lines, the second underlined."""
    return [
        text(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            region,
            bold=True,
            align="center",
            scale=0.92,
            nowrap=True,
        ),
        text(
            "Độc lập - Tự do - Hạnh phúc",
            region,
            bold=True,
            align="center",
            scale=0.92,
            nowrap=True,
            underline=True,
        ),
    ]


def certificate_title(title: str) -> Block:
    return text(title, "title", bold=True, align="center", scale=1.4, nowrap=True)


def signature(title: str, hint: str, signer: str, *, role: bool = False) -> list[Block]:
    """The signer's block at the bottom right; room is left for signature and stamp.

    `hint` is the italic instruction under the title, or with `role` the signer's office
    ("CHỦ TỊCH") in bold.
    """
    return [
        text(title, "sign", bold=True, align="center", scale=0.92),
        text(hint, "sign", bold=role, italic=not role, align="center", scale=0.92 if role else 0.8),
        text(signer, "sign", bold=True, align="center", scale=0.95, space_before=5.5),
    ]


def card_head(title: str, subtitle: str) -> list[Block]:
    """Motto and card name, centred right of the emblem."""
    return [
        text(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "head",
            bold=True,
            align="center",
            scale=0.95,
            nowrap=True,
        ),
        text(
            "Độc lập - Tự do - Hạnh phúc",
            "head",
            bold=True,
            align="center",
            scale=0.95,
            underline=True,
            nowrap=True,
        ),
        text(title, "head", bold=True, align="center", scale=1.4, space_before=0.3, nowrap=True),
        text(subtitle, "head", align="center", scale=0.95),
    ]
