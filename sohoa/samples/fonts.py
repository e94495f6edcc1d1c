"""Font lookup: the samples must be drawn with real fonts that cover Vietnamese.

Counter scans are OCR'd by Tesseract, whose accuracy depends on real glyph shapes with
stacked diacritics (ặ, ở, ữ…). Pillow's built-in bitmap font has none, so we look for
DejaVu first (Debian's fonts-dejavu-core), then Liberation or Noto, and fail loudly.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

Family = Literal["serif", "sans", "mono", "hand"]
# Typefaces with full Vietnamese coverage from Debian packages: DejaVu (fonts-dejavu-core),
# Liberation (fonts-liberation2; its serif is metric-compatible with Times New Roman, the font
# of official documents), Noto (fonts-noto-core). Candidate lists below are in this order.
Face = Literal["dejavu", "liberation", "noto"]
FACES: tuple[Face, ...] = ("dejavu", "liberation", "noto")

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/share/fonts/opentype/urw-base35"),
)

# Candidate file names per (family, bold, italic), best first.
_CANDIDATES: dict[tuple[Family, bool, bool], tuple[str, ...]] = {
    ("serif", False, False): (
        "DejaVuSerif.ttf",
        "LiberationSerif-Regular.ttf",
        "NotoSerif-Regular.ttf",
    ),
    ("serif", True, False): (
        "DejaVuSerif-Bold.ttf",
        "LiberationSerif-Bold.ttf",
        "NotoSerif-Bold.ttf",
    ),
    ("serif", False, True): (
        "DejaVuSerif-Italic.ttf",
        "LiberationSerif-Italic.ttf",
        "NotoSerif-Italic.ttf",
    ),
    ("serif", True, True): (
        "DejaVuSerif-BoldItalic.ttf",
        "LiberationSerif-BoldItalic.ttf",
        "NotoSerif-BoldItalic.ttf",
    ),
    ("sans", False, False): (
        "DejaVuSans.ttf",
        "LiberationSans-Regular.ttf",
        "NotoSans-Regular.ttf",
    ),
    ("sans", True, False): ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf"),
    ("sans", False, True): (
        "DejaVuSans-Oblique.ttf",
        "LiberationSans-Italic.ttf",
        "NotoSans-Italic.ttf",
    ),
    ("sans", True, True): (
        "DejaVuSans-BoldOblique.ttf",
        "LiberationSans-BoldItalic.ttf",
        "NotoSans-BoldItalic.ttf",
    ),
    ("mono", False, False): (
        "DejaVuSansMono.ttf",
        "LiberationMono-Regular.ttf",
        "NotoSansMono-Regular.ttf",
    ),
    ("mono", True, False): (
        "DejaVuSansMono-Bold.ttf",
        "LiberationMono-Bold.ttf",
        "NotoSansMono-Bold.ttf",
    ),
    ("mono", False, True): (
        "DejaVuSansMono-Oblique.ttf",
        "LiberationMono-Italic.ttf",
        "NotoSansMono-Regular.ttf",
    ),
    # Digits filled in by pen over a printed leader (a document's number, its day): URW's Z003,
    # a chancery script (fonts-urw-base35), in every face; DejaVu's italic where it is missing.
    ("hand", False, False): ("Z003-MediumItalic.otf",) * 3,
    ("hand", True, False): ("Z003-MediumItalic.otf",) * 3,
    ("hand", False, True): ("Z003-MediumItalic.otf",) * 3,
    ("hand", True, True): ("Z003-MediumItalic.otf",) * 3,
    ("mono", True, True): (
        "DejaVuSansMono-BoldOblique.ttf",
        "LiberationMono-BoldItalic.ttf",
        "NotoSansMono-Bold.ttf",
    ),
}


class FontNotFoundError(RuntimeError):
    """No font covering Vietnamese was found; install fonts-dejavu-core."""


@cache
def find_font(
    family: Family = "serif", bold: bool = False, italic: bool = False, face: Face = "dejavu"
) -> Path:
    """Path of the font file for this family and style in ``face``, else the first installed."""
    names = _CANDIDATES[(family, bold, italic)]
    preferred = names[FACES.index(face)]
    fallback = _CANDIDATES[("serif", False, True)] if family == "hand" else ()
    for name in (preferred, *names, *fallback):
        for directory in FONT_DIRS:
            path = directory / name
            if path.is_file():
                return path
    searched = ", ".join(str(d) for d in FONT_DIRS)
    raise FontNotFoundError(
        f"no {family} font (bold={bold}, italic={italic}) found: looked for {', '.join(names)} "
        f"in {searched}. Install fonts-dejavu-core (apt-get install fonts-dejavu-core)."
    )


@lru_cache(maxsize=512)
def load_font(
    family: Family, size: int, bold: bool = False, italic: bool = False, face: Face = "dejavu"
) -> ImageFont.FreeTypeFont:
    """A cached FreeType font of `size` pixels (em height)."""
    return ImageFont.truetype(str(find_font(family, bold, italic, face)), size)


def installed_faces() -> tuple[Face, ...]:
    """The faces whose regular serif and sans files are installed here."""
    return tuple(
        face
        for face in FACES
        if all(
            any(
                (d / _CANDIDATES[(f, False, False)][FACES.index(face)]).is_file() for d in FONT_DIRS
            )
            for f in ("serif", "sans")
        )
    )
