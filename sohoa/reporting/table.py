"""The report in the terminal: the four scored rates first, then per group and per period."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from schemas.reporting import GROUP_LABELS_VI, INDICATOR_LABELS_VI, Cell, Indicator, Report
from sohoa.reporting.labels import (
    NUMERATOR_DENOMINATOR,
    SHORT_LABELS_VI,
    TITLE,
    fraction_text,
    group_text,
    percent_text,
    period_text,
    score_text,
    subtitle,
)


def overall_table(report: Report) -> Table:
    """Each indicator over the whole range: numerator / denominator, rate and score."""
    table = Table(title=TITLE, caption=subtitle(report), title_style="bold")
    table.add_column("Chỉ tiêu")
    table.add_column(NUMERATOR_DENOMINATOR, justify="right")
    table.add_column("Tỷ lệ", justify="right", style="bold")
    table.add_column("Điểm (% tối đa)", justify="right")
    for figure in report.overall.figures:
        table.add_row(
            INDICATOR_LABELS_VI[figure.indicator],
            fraction_text(figure.rate),
            percent_text(figure.rate),
            score_text(figure.score),
        )
    return table


Column = tuple[str, Callable[[Cell], str]]


def _cells_table(title: str, first: Sequence[Column], cells: list[Cell]) -> Table:
    """One line per cell: its labels, then every indicator as rate over numerator / denominator."""
    table = Table(title=title, title_style="bold", show_lines=True)
    for header, _ in first:
        table.add_column(header)
    for indicator in Indicator:
        table.add_column(SHORT_LABELS_VI[indicator], justify="right")
    for cell in cells:
        rates = [f"{percent_text(f.rate)}\n{fraction_text(f.rate)}" for f in cell.figures]
        table.add_row(*(text(cell) for _, text in first), *rates)
    return table


def report_renderables(report: Report) -> list[RenderableType]:
    """Summary, per-group and per-period tables, then the footnotes."""
    header = GROUP_LABELS_VI[report.by]
    group: Column = (header, group_text)
    period: Column = ("Kỳ", period_text)
    parts: list[RenderableType] = [
        overall_table(report),
        _cells_table(f"Theo {header.lower()}", [group], report.group_totals),
    ]
    if len(report.periods) > 1:  # one period would repeat the summary
        parts.append(_cells_table("Theo kỳ", [period], report.period_totals))
        parts.append(_cells_table("Chi tiết theo kỳ", [period, group], report.rows))
    notes = Text("Ghi chú:\n", style="bold")
    for number, note in enumerate(report.notes, start=1):
        notes.append(f"{number}. {note}\n", style="dim")
    parts.append(notes)
    return parts


def print_report(console: Console, report: Report) -> None:
    console.print(Group(*report_renderables(report)))
