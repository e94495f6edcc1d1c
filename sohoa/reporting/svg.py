"""Two small inline SVG charts (trend line, horizontal bars): no script, no CDN, print-friendly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sohoa.reporting.labels import number_vi

GRID = "#dddddd"
MUTED = "#777777"
LINE = "#1565c0"


@dataclass(frozen=True)
class Point:
    """One bar or one point of a line: a label, a percentage (None: nothing to count), a note."""

    label: str
    percent: float | None
    note: str = ""


def tone(percent: float | None) -> str:
    """Green from 80%, amber from 50%, red below: readable at a glance."""
    if percent is None:
        return "#9e9e9e"
    if percent >= 80:
        return "#2e7d32"
    return "#ef8f00" if percent >= 50 else "#c62828"


def _svg(width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, body: str, anchor: str = "start", fill: str = "#000") -> str:
    """A label; ``body`` is already escaped (it may hold a <title>)."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{body}</text>'


def _value(point: Point) -> str:
    if point.percent is None:
        return "—"
    return f"{number_vi(point.percent)}%" + (f" ({point.note})" if point.note else "")


def bar_chart(points: Sequence[Point], target: float | None = None, width: int = 560) -> str:
    """Horizontal bars, one per group, with the value and its numerator / denominator."""
    left, right, row = 170, 120, 24
    plot = width - left - right
    height = row * max(len(points), 1) + 24
    body = []
    for i, point in enumerate(points):
        y = 4 + i * row
        label = point.label if len(point.label) <= 26 else point.label[:25] + "…"
        body.append(
            _text(left - 6, y + 15, f"<title>{escape(point.label)}</title>{escape(label)}", "end")
        )
        length = plot * min(point.percent or 0.0, 100.0) / 100
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{tone(point.percent)}"><title>{escape(_value(point))}</title></rect>'
        )
        body.append(_text(left + length + 4, y + 15, escape(_value(point))))
    if target is not None:
        x = left + plot * target / 100
        body.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="{MUTED}" '
            'stroke-dasharray="4 3"/>'
        )
        body.append(_text(x, height - 4, f"{number_vi(target, 0)}%: điểm tối đa", "middle", MUTED))
    return _svg(width, height, body)


def trend_chart(points: Sequence[Point], width: int = 640, height: int = 210) -> str:
    """A line over the periods on a 0–100% scale; periods with nothing to count break the line."""
    left, right, top, bottom, inset = 40, 12, 26, 34, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = (plot_w - 2 * inset) / max(len(points) - 1, 1)
    every = -(-len(points) // 12)  # at most twelve period labels
    body = []
    for level in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - level / 100)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 4, y + 4, f"{level}%", "end", MUTED))
    segments: list[list[str]] = [[]]
    marks = []  # drawn over the line
    for i, point in enumerate(points):
        x = left + (inset + i * step if len(points) > 1 else plot_w / 2)
        if i % every == 0:
            body.append(_text(x, height - 12, escape(point.label), "middle"))
        if point.percent is None:
            segments.append([])
            continue
        y = top + plot_h * (1 - min(point.percent, 100.0) / 100)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        marks.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{tone(point.percent)}">'
            f"<title>{escape(point.label)}: {escape(_value(point))}</title></circle>"
        )
        marks.append(_text(x, y - 8, f"{number_vi(point.percent)}%", "middle"))
    for segment in segments:
        if len(segment) > 1:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" '
                'stroke-width="2"/>'
            )
    return _svg(width, height, body + marks)
