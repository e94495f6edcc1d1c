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

Family = Literal["serif", "sans", "mono"]

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
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
    ("mono", True, True): (
        "DejaVuSansMono-BoldOblique.ttf",
        "LiberationMono-BoldItalic.ttf",
        "NotoSansMono-Bold.ttf",
    ),
}


class FontNotFoundError(RuntimeError):
    """No font covering Vietnamese was found; install fonts-dejavu-core."""


@cache
def find_font(family: Family = "serif", bold: bool = False, italic: bool = False) -> Path:
    """Path of the first installed font file for this family and style."""
    names = _CANDIDATES[(family, bold, italic)]
    for name in names:
        for directory in FONT_DIRS:
            path = directory / name
            if path.is_file():
                return path
    searched = ", ".join(str(d) for d in FONT_DIRS)
    raise FontNotFoundError(
        f"no {family} font (bold={bold}, italic={italic}) found: looked for {', '.join(names)} "
        f"in {searched}. Install fonts-dejavu-core (apt-get install fonts-dejavu-core)."
    )


@lru_cache(maxsize=256)
def load_font(
    family: Family, size: int, bold: bool = False, italic: bool = False
) -> ImageFont.FreeTypeFont:
    """A cached FreeType font of `size` pixels (em height)."""
    return ImageFont.truetype(str(find_font(family, bold, italic)), size)
