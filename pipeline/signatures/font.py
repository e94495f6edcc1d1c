"""The stamp's font: a small subset of a font with Vietnamese letters, made once per machine.

pyHanko subsets the font it embeds on every signature; on a full DejaVu Sans that is most of
the signing time (its layout tables are decoded each time). A subset holding only ASCII and the
Vietnamese letters is made once, with its units scaled to 1000 per em (pyHanko writes the glyph
widths in font units, which PDF readers take as thousandths of an em), and reused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pipeline.syllables import MARKED_LETTERS

STAMP_CHARACTERS = (
    "".join(chr(c) for c in range(32, 127)) + MARKED_LETTERS + MARKED_LETTERS.upper() + "–—…·°“”‘’№"
)
_FORMAT = "1"  # bump when the subset is made differently


def stamp_font(source: Path, cache_dir: Path | None = None) -> Path:
    """Path of the cached Vietnamese subset of ``source`` (made now if missing)."""
    stat = source.stat()
    tag = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{_FORMAT}"
    digest = hashlib.sha256(tag.encode()).hexdigest()[:16]
    folder = cache_dir or Path(tempfile.gettempdir())
    target = folder / f"sohoa-stamp-{source.stem}-{digest}.ttf"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    _write_subset(source, target)
    return target


def _write_subset(source: Path, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF", "kern"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=STAMP_CHARACTERS)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    try:
        font.save(temporary)
        os.replace(temporary, target)  # another process making the same file: either wins
    finally:
        Path(temporary).unlink(missing_ok=True)
