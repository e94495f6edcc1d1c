"""The indicators through the API: the hand-built quarter gives the hand-computed figures."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from schemas.reporting import Indicator
from tests.api_fixtures import ApiEnv, api_fixture  # noqa: F401
from tests.report_fixture import BY_UNIT, END, MONTHS, OVERALL, START, build_fixture

QUARTER = {"from": START.isoformat(), "to": END.isoformat()}


def _counts(cell: dict[str, Any]) -> dict[Indicator, tuple[int, int]]:
    return {
        Indicator(f["indicator"]): (f["rate"]["numerator"], f["rate"]["denominator"])
        for f in cell["figures"]
    }


def test_quarter_by_unit_matches_the_hand_computed_figures(api: ApiEnv) -> None:
    build_fixture(api.index)
    response = api.client.get("/api/reports", params=QUARTER, headers=api.headers("canbo1"))
    assert response.status_code == 200
    report = response.json()
    assert _counts(report["overall"]) == OVERALL
    months = {c["period"]["label"]: _counts(c) for c in report["period_totals"]}
    assert months == MONTHS
    assert {c["group"]: _counts(c) for c in report["group_totals"]} == BY_UNIT
    first = report["overall"]["figures"][0]["rate"]
    assert first["percent"] == round(100 * first["numerator"] / first["denominator"], 2)


def test_report_downloads_as_csv_html_and_xlsx(api: ApiEnv) -> None:
    build_fixture(api.index)
    headers = api.headers("lanhdao")
    as_csv = api.client.get("/api/reports", params={**QUARTER, "format": "csv"}, headers=headers)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows and all(row for row in rows)
    as_html = api.client.get(
        "/api/reports", params={**QUARTER, "format": "html", "by": "field"}, headers=headers
    )
    assert as_html.status_code == 200 and "<svg" in as_html.text and "lĩnh vực" in as_html.text
    as_xlsx = api.client.get(
        "/api/reports", params={**QUARTER, "format": "xlsx", "period": "quarter"}, headers=headers
    )
    assert as_xlsx.status_code == 200
    assert "attachment" in as_xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert len(book.sheetnames) >= 1


def test_report_needs_login_and_sane_dates(api: ApiEnv) -> None:
    assert api.client.get("/api/reports", params=QUARTER).status_code == 401
    backwards = api.client.get(
        "/api/reports",
        params={"from": "2024-03-31", "to": "2024-01-01"},
        headers=api.headers("canbo1"),
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "invalid_request"
    assert "trước" in backwards.json()["detail"]
    not_a_date = api.client.get(
        "/api/reports", params={"from": "31/03/2024"}, headers=api.headers("canbo1")
    )
    assert not_a_date.status_code == 422 and not_a_date.json()["errors"][0]["field"] == "from"
    bad_group = api.client.get(
        "/api/reports", params={**QUARTER, "by": "province"}, headers=api.headers("canbo1")
    )
    assert bad_group.status_code == 422
