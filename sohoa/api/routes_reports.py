"""The digitization and reuse indicators over HTTP: the same ``build_report`` as ``sohoa report``.

Figures are counts of dossiers and results, no personal data, so every signed-in staff member
may read them for every unit (provinces publish them per unit). JSON by default; CSV, HTML with
charts and Excel for download.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from schemas.reporting import GroupBy, PeriodKind, Report
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.errors import InvalidRequest
from sohoa.procedure_catalogue import catalogue_in_use, group_names
from storage.reports import build_report

router = APIRouter(prefix="/api/reports", tags=["báo cáo / reports"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    422: {"description": "Khoảng ngày hoặc tham số không hợp lệ"},
}
MAX_DAYS = 3 * 366 + 1  # a report over more than three years is a batch job, not a request
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DownloadFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"
    XLSX = "xlsx"


def _this_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _download(report: Report, fmt: DownloadFormat) -> Response:
    name = f"bao-cao-so-hoa-{report.start}-{report.end}-{report.by.value}"
    if fmt is DownloadFormat.CSV:
        from sohoa.reporting.csvx import to_csv

        return Response(
            ("\ufeff" + to_csv(report)).encode("utf-8"),  # BOM: Excel reads the Vietnamese
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt is DownloadFormat.HTML:
        from sohoa.reporting.html import to_html

        return HTMLResponse(to_html(report))
    from sohoa.reporting.xlsx import write_xlsx

    with tempfile.TemporaryDirectory(prefix="sohoa-report-") as tmp:
        path = Path(tmp) / "report.xlsx"
        write_xlsx(report, path)
        body = path.read_bytes()
    return Response(
        body,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("", response_model=Report, responses=_ERRORS)
def indicators(
    context: Context,
    staff: CurrentStaff,
    start: Annotated[date | None, Query(alias="from", description="Từ ngày (YYYY-MM-DD)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Đến ngày (YYYY-MM-DD)")] = None,
    by: GroupBy = GroupBy.UNIT,
    period: PeriodKind = PeriodKind.MONTH,
    output_format: Annotated[DownloadFormat, Query(alias="format")] = DownloadFormat.JSON,
) -> Report | Response:
    """Rates with numerator and denominator per period and per unit, procedure or field;
    the current month when no dates are given."""
    default_start, default_end = _this_month(date.today())
    first, last = start or default_start, end or default_end
    if last < first:
        raise InvalidRequest(f"'to' ({last}) trước 'from' ({first})")
    if (last - first).days > MAX_DAYS:
        raise InvalidRequest("khoảng ngày dài quá 3 năm: hãy chia nhỏ báo cáo")
    with context.index.session() as session:
        names = group_names(catalogue_in_use(session).catalogue, by)
        report = build_report(session, first, last, by=by, period=period, names=names)
    if output_format is DownloadFormat.JSON:
        return report
    return _download(report, output_format)
