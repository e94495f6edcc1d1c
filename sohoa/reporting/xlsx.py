"""XLSX: a summary sheet, per-group and per-period sheets, every figure, and the footnotes.

Counts and rates are written as numbers (not text) so staff can go on calculating with them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from schemas.reporting import GROUP_LABELS_VI, INDICATOR_LABELS_VI, Cell, Indicator, Report
from sohoa.reporting.flat import COLUMNS, records
from sohoa.reporting.labels import TITLE, group_text, period_text, subtitle

PERCENT = "0.0"
BOLD = Font(bold=True)


def _header(sheet: Worksheet, values: list[str]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _summary(sheet: Worksheet, report: Report) -> None:
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([subtitle(report)])
    sheet.append([])
    _header(sheet, ["Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm (% tối đa)"])
    for figure in report.overall.figures:
        score = None if figure.score is None else 100 * figure.score
        sheet.append(
            [
                INDICATOR_LABELS_VI[figure.indicator],
                figure.rate.numerator,
                figure.rate.denominator,
                figure.rate.percent if figure.rate.denominator else None,
                score,
            ]
        )
        sheet.cell(sheet.max_row, 4).number_format = PERCENT
        sheet.cell(sheet.max_row, 5).number_format = PERCENT
    sheet.column_dimensions["A"].width = 52


def _wide(sheet: Worksheet, label: str, text: Callable[[Cell], str], cells: list[Cell]) -> None:
    """One row per cell; three columns (numerator, denominator, %) per indicator."""
    top = [label]
    for indicator in Indicator:
        top += [INDICATOR_LABELS_VI[indicator], "", ""]
    _header(sheet, top)
    _header(sheet, ["", *(["Tử số", "Mẫu số", "Tỷ lệ (%)"] * len(Indicator))])
    for cell in cells:
        row: list[str | int | float | None] = [text(cell)]
        for figure in cell.figures:
            percent = figure.rate.percent if figure.rate.denominator else None
            row += [figure.rate.numerator, figure.rate.denominator, percent]
        sheet.append(row)
        for column in range(4, 3 * len(Indicator) + 2, 3):
            sheet.cell(sheet.max_row, column).number_format = PERCENT
    sheet.column_dimensions["A"].width = 28


def write_xlsx(report: Report, path: Path) -> None:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Tổng hợp"
    _summary(summary, report)
    group_label = GROUP_LABELS_VI[report.by]
    _wide(
        book.create_sheet("Theo nhóm"),
        group_label,
        group_text,
        report.group_totals,
    )
    _wide(book.create_sheet("Theo kỳ"), "Kỳ", period_text, report.period_totals)
    detail = book.create_sheet("Chi tiết")
    _header(detail, list(COLUMNS))
    for record in records(report):
        detail.append([record[column] for column in COLUMNS])
    notes = book.create_sheet("Ghi chú")
    for number, note in enumerate(report.notes, start=1):
        notes.append([number, note])
    book.save(path)
