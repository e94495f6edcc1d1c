"""Each output format carries the hand-computed figures; the CLI writes them (SQLite)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from rich.console import Console
from typer.testing import CliRunner

from schemas.reporting import INDICATOR_LABELS_VI, Indicator, PeriodKind, Report
from sohoa.cli import app
from sohoa.reporting.csvx import to_csv
from sohoa.reporting.flat import records
from sohoa.reporting.html import to_html
from sohoa.reporting.table import print_report
from sohoa.reporting.xlsx import write_xlsx
from storage.index.db import Index
from storage.reports import build_report
from tests.report_fixture import BY_UNIT, END, MONTHS, OVERALL, START, U1, build_fixture

HEADINGS = (
    "Tỷ lệ số hóa hồ sơ",
    "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
    "Tỷ lệ cấp kết quả điện tử",
    "Tỷ lệ hồ sơ sử dụng dữ liệu dân cư",
    "Tử số / Mẫu số",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose SQLite index holds the hand-built quarter."""
    folder = tmp_path_factory.mktemp("report") / "data"
    index = Index(f"sqlite:///{folder / 'sohoa.db'}")
    index.create_schema()
    build_fixture(index)
    index.dispose()
    return folder


@pytest.fixture(scope="module")
def report(data_dir: Path) -> Report:
    index = Index(f"sqlite:///{data_dir / 'sohoa.db'}")
    with index.session() as session:
        built = build_report(session, START, END, period=PeriodKind.MONTH)
    index.dispose()
    return built


def test_csv_parses_back_to_the_figures(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert len(rows) == len(records(report))
    overall = {
        Indicator(r["indicator"]): (int(r["numerator"]), int(r["denominator"]))
        for r in rows
        if r["scope"] == "overall"
    }
    assert overall == OVERALL
    january = {
        Indicator(r["indicator"]): (int(r["numerator"]), int(r["denominator"]))
        for r in rows
        if r["scope"] == "period" and r["period"] == "2024-01"
    }
    assert january == MONTHS["2024-01"]
    reuse = next(r for r in rows if r["scope"] == "overall" and r["indicator"] == "reuse")
    assert float(reuse["score"]) == pytest.approx(100 * (2 / 7) / 0.8, abs=1e-3)


def test_xlsx_opens_and_holds_the_figures(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.xlsx"
    write_xlsx(report, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Theo nhóm", "Theo kỳ", "Chi tiết", "Ghi chú"]
    summary = {
        row[0]: (row[1], row[2])
        for row in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)
        if row[0]
    }
    assert summary == {INDICATOR_LABELS_VI[i]: counts for i, counts in OVERALL.items()}
    by_unit = {row[0]: row[1:] for row in book["Theo nhóm"].iter_rows(min_row=3, values_only=True)}
    u1 = by_unit[U1]
    assert (u1[0], u1[1]) == BY_UNIT[U1][Indicator.DOSSIER_DIGITIZATION]
    assert u1[2] == pytest.approx(60.0)
    assert book["Chi tiết"].max_row == len(records(report)) + 1


def test_html_is_self_contained_with_vietnamese_headings_and_charts(report: Report) -> None:
    page = to_html(report)
    for heading in HEADINGS:
        assert heading in page
    assert page.count("<svg") == 8  # a trend and per-unit bars for each scored indicator
    assert "Xu hướng theo tháng" in page and "Theo đơn vị" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "5 / 8" in page and "62,5%" in page  # dossier digitization, numerator / denominator


def test_json_round_trips_into_the_model(report: Report) -> None:
    text = report.model_dump_json()
    assert Report.model_validate_json(text) == report
    assert json.loads(text)["overall"]["figures"][0]["rate"]["percent"] == 62.5


def test_terminal_table_shows_rates_with_counts(report: Report) -> None:
    console = Console(record=True, width=200)
    print_report(console, report)
    text = console.export_text()
    for heading in HEADINGS:
        assert heading in text
    assert "62,5%" in text and "5 / 8" in text and "Ghi chú" in text


def test_cli_report_json_and_files(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    common = ["report", "--from", "2024-01-01", "--to", "2024-03-31", "--data-dir", str(data_dir)]
    result = runner.invoke(app, [*common, "--format", "json"])
    assert result.exit_code == 0, result.output
    parsed = Report.model_validate_json(result.stdout)
    assert (parsed.overall.figure(Indicator.REUSE).rate.numerator, len(parsed.periods)) == (2, 3)

    by_field = runner.invoke(
        app, [*common, "--by", "field", "--period", "quarter", "--format", "csv"]
    )
    assert by_field.exit_code == 0, by_field.output
    assert "Hộ tịch" in by_field.stdout and "2024-Q1" in by_field.stdout

    html_path = tmp_path / "bao-cao.html"
    written = runner.invoke(app, [*common, "--format", "html", "--output", str(html_path)])
    assert written.exit_code == 0, written.output
    assert "<svg" in html_path.read_text(encoding="utf-8")

    csv_path = tmp_path / "bao-cao.csv"
    assert runner.invoke(app, [*common, "--format", "csv", "-o", str(csv_path)]).exit_code == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8


@pytest.mark.parametrize(
    "arguments",
    [
        ["--format", "xlsx"],  # needs --output
        ["--from", "2024-13-01"],
        ["--from", "2024-03-01", "--to", "2024-02-01"],
    ],
)
def test_cli_rejects_bad_options_with_exit_2(data_dir: Path, arguments: list[str]) -> None:
    result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir), *arguments])
    assert result.exit_code == 2
