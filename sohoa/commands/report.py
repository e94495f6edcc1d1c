"""``sohoa report``: the digitization and reuse indicators for a period, in the chosen format.

Only translates: dates and options in, ``build_report`` (the same the API calls), a presenter out.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemas.errors import SohoaError
from schemas.reporting import GroupBy, PeriodKind, Report
from sohoa.commands import console, fail, load_settings, reject


class ReportFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"
    JSON = "json"


NEEDS_FILE = (ReportFormat.XLSX, ReportFormat.HTML)


def _month_of(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"{option} phải là ngày dạng YYYY-MM-DD: {value!r}") from error


def _write(report: Report, fmt: ReportFormat, output: Path | None) -> None:
    """Render in ``fmt`` to ``output`` (stdout for table, CSV and JSON when not given)."""
    if fmt == ReportFormat.XLSX:
        from sohoa.reporting.xlsx import write_xlsx

        assert output is not None
        write_xlsx(report, output)
        return
    if fmt == ReportFormat.TABLE:
        from sohoa.reporting.table import print_report

        if output is None:
            print_report(console, report)
            return
        with output.open("w", encoding="utf-8") as handle:
            print_report(Console(file=handle, width=160, color_system=None), report)
        return
    if fmt == ReportFormat.CSV:
        from sohoa.reporting.csvx import to_csv

        text = to_csv(report)
    elif fmt == ReportFormat.HTML:
        from sohoa.reporting.html import to_html

        text = to_html(report)
    else:
        text = report.model_dump_json(indent=2)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:  # with a BOM for CSV, so Excel reads the Vietnamese correctly
        output.write_text(text, encoding="utf-8-sig" if fmt == ReportFormat.CSV else "utf-8")


def report_command(
    start: Annotated[
        str | None, typer.Option("--from", help="Từ ngày YYYY-MM-DD (mặc định: đầu tháng này)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Đến ngày YYYY-MM-DD (mặc định: cuối tháng này)")
    ] = None,
    by: Annotated[GroupBy, typer.Option(help="Nhóm theo đơn vị / thủ tục / lĩnh vực")] = (
        GroupBy.UNIT
    ),
    period: Annotated[PeriodKind, typer.Option(help="Chia kỳ theo tháng / quý / năm")] = (
        PeriodKind.MONTH
    ),
    output_format: Annotated[ReportFormat, typer.Option("--format", help="Định dạng")] = (
        ReportFormat.TABLE
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Tệp kết quả (bắt buộc với xlsx, html)")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Báo cáo tỷ lệ số hóa, sử dụng lại / digitization and reuse indicators for a period."""
    from sohoa.procedure_catalogue import catalogue_in_use, group_names
    from storage.index.db import Index
    from storage.reports import build_report

    default_start, default_end = _month_of(date.today())
    try:
        first = _parse_day(start, "--from") if start else default_start
        last = _parse_day(end, "--to") if end else default_end
        if last < first:
            raise ValueError(f"--to ({last}) trước --from ({first})")
        if output_format in NEEDS_FILE and output is None:
            raise ValueError(f"định dạng {output_format.value} cần --output TỆP")
    except ValueError as error:
        raise reject(error) from error
    try:
        index = Index(load_settings(data_dir).index.url)
        index.create_schema()
        with index.session() as session:
            names = group_names(catalogue_in_use(session).catalogue, by)
            report = build_report(session, first, last, by=by, period=period, names=names)
        index.dispose()
    except SohoaError as error:
        raise fail(error) from error
    _write(report, output_format, output)
    if output is not None:
        console.print(f"Đã ghi báo cáo / report written: {output}")
