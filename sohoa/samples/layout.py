"""Text layout: turns logical blocks into placed, wrapped physical lines.

Ground-truth text for OCR error rates must be the lines *as printed*, after wrapping, so
documents.py and render.py share this one deterministic layout (fonts and page sizes are
fixed). Blocks flow top-down inside named regions; a region that overflows is shrunk a
little, as a clerk would pick a smaller font, instead of letting lines overlap.
"""

from __future__ import annotations

from typing import Literal

from PIL import ImageFont
from pydantic import BaseModel, Field

from sohoa.samples.fonts import Face, Family, load_font

Align = Literal["left", "center", "right"]


class Run(BaseModel):
    """Text in one style; `family` overrides the template's (typewritten CMND values).

    A `value` run is filled-in data: it uses the template's `value_family`, as the
    commune's printer fills a pre-printed form in its own font.
    """

    text: str
    bold: bool = False
    italic: bool = False
    family: Family | None = None
    value: bool = False
    tracking: float = 0.0  # extra space after each letter, in ems (letter-spaced headings)


class Block(BaseModel):
    """One logical line: segments (e.g. "Giới tính: Nam", "Dân tộc: Kinh") set side by side."""

    segments: list[list[Run]]
    region: str = "main"
    align: Align = "left"
    scale: float = 1.0  # font size relative to the template's base size
    space_before: float = 0.0  # extra space above, in base-size units
    nowrap: bool = False  # shrink the region rather than wrap this block
    underline: bool = False


class Region(BaseModel):
    """A column of the page; starts below the regions in `after` (plus `gap`)."""

    x0: int
    x1: int
    y0: int
    y_max: int
    after: tuple[str, ...] = ()
    gap: int = 0


class Template(BaseModel):
    """Page geometry and type scale of one kind of document."""

    name: str
    width: int
    height: int
    dpi: int
    family: Family
    value_family: Family
    base_size: int
    leading: float
    segment_gap: float = 1.6  # space between segments, in base-size units
    regions: dict[str, Region]
    face: Face = "dejavu"  # the typeface the document is printed in


class PlacedRun(BaseModel):
    x: int
    baseline: int
    text: str
    family: Family
    size: int
    bold: bool
    italic: bool
    tracking: float = 0.0
    face: Face = "dejavu"


class PlacedLine(BaseModel):
    text: str
    region: str
    top: int
    baseline: int
    bottom: int
    x0: int
    x1: int
    underline: bool = False
    runs: list[PlacedRun] = Field(default_factory=list)


class Layout(BaseModel):
    template: Template
    lines: list[PlacedLine]
    region_top: dict[str, int]
    region_bottom: dict[str, int]

    def text_rows(self) -> list[str]:
        """Printed text in reading order, one entry per printed line.

        Side-by-side columns (issuing body | motto, "Nơi nhận" | signer) are read one after
        the other, left first, as a reader does and as ``pipeline.layout.reading_order``
        reads a page; a single row across two columns stays one line.
        """
        rows: list[list[PlacedLine]] = []
        for line in self.lines:
            for row in rows:
                first = row[0]
                overlap = min(first.bottom, line.bottom) - max(first.top, line.top)
                if first.region != line.region and overlap > (line.bottom - line.top) / 2:
                    row.append(line)
                    break
            else:
                rows.append([line])
        text: list[str] = []
        i = 0
        while i < len(rows):
            regions = {line.region for line in rows[i]}
            end = i + 1
            while len(regions) > 1 and end < len(rows):
                if not {line.region for line in rows[end]} <= regions:
                    break
                end += 1
            zone = [line for row in rows[i:end] for line in row]
            if end - i == 1:
                zone.sort(key=lambda line: line.x0)
            else:
                left_edge = {r: min(z.x0 for z in zone if z.region == r) for r in regions}
                zone.sort(key=lambda line: left_edge[line.region])
            if end - i == 1 and len(zone) > 1:
                text.append(" ".join(line.text for line in zone))
            else:
                text.extend(line.text for line in zone)
            i = end
        return text


_Token = tuple[str, Run]


def _tokens(segment: list[Run]) -> list[_Token]:
    return [(word, run) for run in segment for word in run.text.split()]


HAND_SCALE = 1.5


def word_width(font: ImageFont.FreeTypeFont, word: str, tracking: float) -> float:
    """Printed width of a word, letter spacing included (none after the last letter)."""
    extra = tracking * font.size * (len(word) - 1) if tracking else 0.0
    return font.getlength(word) + extra


def _wrap(block: Block, tpl: Template, region: Region, scale: float) -> list[PlacedLine]:
    """Break one block into lines inside the region, word by word."""
    size = max(8, round(tpl.base_size * block.scale * scale))

    def family_of(run: Run) -> Family:
        return run.family or (tpl.value_family if run.value else tpl.family)

    def size_of(run: Run) -> int:
        # A pen's digits are written larger than the print around them.
        return round(size * HAND_SCALE) if family_of(run) == "hand" else size

    def font_of(run: Run) -> ImageFont.FreeTypeFont:
        return load_font(family_of(run), size_of(run), run.bold, run.italic, tpl.face)

    rows: list[list[tuple[int, str, Run]]] = [[]]
    x = float(region.x0)
    gap = round(tpl.segment_gap * tpl.base_size * scale)
    for segment in block.segments:
        tokens = _tokens(segment)
        if not tokens:
            continue
        widths = [word_width(font_of(run), word, run.tracking) for word, run in tokens]
        # Letter-spaced words keep a word gap three letter gaps wider than the letter gaps.
        spaces = [font_of(run).getlength(" ") + 3 * run.tracking * size for _, run in tokens]
        seg_width = sum(widths) + sum(spaces[:-1])
        if rows[-1]:
            if x + gap + seg_width <= region.x1:
                x += gap
            else:
                rows.append([])
                x = float(region.x0)
        for i, (word, run) in enumerate(tokens):
            space = spaces[i - 1] if i else 0.0
            if rows[-1] and x + space + widths[i] > region.x1:
                rows.append([])
                x, space = float(region.x0), 0.0
            rows[-1].append((round(x + space), word, run))
            x += space + widths[i]
    lines: list[PlacedLine] = []
    for row in rows:
        if not row:
            continue
        end = row[-1][0] + round(word_width(font_of(row[-1][2]), row[-1][1], row[-1][2].tracking))
        shift = {
            "left": 0,
            "center": (region.x0 + region.x1 - row[0][0] - end) // 2,
            "right": region.x1 - end,
        }[block.align]
        runs = [
            PlacedRun(
                x=px + shift,
                baseline=0,
                text=word,
                family=family_of(run),
                size=size_of(run),
                bold=run.bold,
                italic=run.italic,
                tracking=run.tracking,
                face=tpl.face,
            )
            for px, word, run in row
        ]
        lines.append(
            PlacedLine(
                text=" ".join(word for _, word, _ in row),
                region=block.region,
                top=0,
                baseline=0,
                bottom=0,
                x0=row[0][0] + shift,
                x1=end + shift,
                underline=block.underline,
                runs=runs,
            )
        )
    return lines


def _flow(
    blocks: list[Block], tpl: Template, region: Region, top: int, scale: float
) -> tuple[list[list[PlacedLine]], int, bool]:
    """Stack the region's blocks from `top`; returns lines per block, bottom, and fit."""
    y = top
    out: list[list[PlacedLine]] = []
    fits = True
    for block in blocks:
        lines = _wrap(block, tpl, region, scale)
        if block.nowrap and len(lines) > 1:
            fits = False
        y += round(block.space_before * tpl.base_size * scale)
        for line in lines:
            size = line.runs[0].size
            ascent, _ = load_font(tpl.family, size, face=tpl.face).getmetrics()
            line.top = y
            line.baseline = y + ascent
            line.bottom = y + round(size * tpl.leading)
            for run in line.runs:
                run.baseline = line.baseline
            y = line.bottom
        out.append(lines)
    return out, y, fits and y <= region.y_max


def layout(tpl: Template, blocks: list[Block]) -> Layout:
    """Place every block; lines come back in block order (the reading order)."""
    tops: dict[str, int] = {}
    bottoms: dict[str, int] = {}
    placed: dict[int, list[PlacedLine]] = {}
    pending = list(tpl.regions)
    while pending:
        ready = [n for n in pending if all(a in bottoms for a in tpl.regions[n].after)]
        if not ready:
            raise ValueError(f"template {tpl.name}: circular region order {pending}")
        for name in ready:
            region = tpl.regions[name]
            top = max([region.y0] + [bottoms[a] + region.gap for a in region.after])
            members = [i for i, b in enumerate(blocks) if b.region == name]
            scale = 1.0
            while True:
                lines, bottom, fits = _flow([blocks[i] for i in members], tpl, region, top, scale)
                if fits or scale <= 0.6:
                    break
                scale -= 0.05
            tops[name], bottoms[name] = top, bottom
            placed.update(zip(members, lines, strict=True))
            pending.remove(name)
    unknown = {b.region for b in blocks} - set(tpl.regions)
    if unknown:
        raise ValueError(f"template {tpl.name} has no region {sorted(unknown)}")
    ordered = [line for i in range(len(blocks)) for line in placed[i]]
    return Layout(template=tpl, lines=ordered, region_top=tops, region_bottom=bottoms)
