"""The report as flat records, one per figure: what CSV and the XLSX detail sheet hold."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.reporting import INDICATOR_LABELS_VI, Cell, Report

COLUMNS = (
    "scope",
    "period",
    "period_start",
    "period_end",
    "group",
    "indicator",
    "indicator_vi",
    "numerator",
    "denominator",
    "percent",
    "score",
)
Record = dict[str, str | int | float | None]


def _scoped(report: Report) -> Iterator[tuple[str, Cell]]:
    yield "overall", report.overall
    for cell in report.period_totals:
        yield "period", cell
    for cell in report.group_totals:
        yield "group", cell
    for cell in report.rows:
        yield "period_group", cell


def records(report: Report) -> list[Record]:
    """Every figure with its scope: overall, per period, per group, per period and group."""
    rows: list[Record] = []
    for scope, cell in _scoped(report):
        period = cell.period
        for figure in cell.figures:
            rows.append(
                {
                    "scope": scope,
                    "period": period.label if period else "",
                    "period_start": (period.start if period else report.start).isoformat(),
                    "period_end": (period.end if period else report.end).isoformat(),
                    "group": cell.group if cell.group is not None else "",
                    "indicator": figure.indicator.value,
                    "indicator_vi": INDICATOR_LABELS_VI[figure.indicator],
                    "numerator": figure.rate.numerator,
                    "denominator": figure.rate.denominator,
                    "percent": round(figure.rate.percent, 4),
                    "score": None if figure.score is None else round(100 * figure.score, 4),
                }
            )
    return rows
