"""The indicators on a hand-built quarter, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from schemas.dossiers import DossierContext
from schemas.errors import ReuseNotAllowed
from schemas.reporting import Cell, EventKind, GroupBy, Indicator, PeriodKind, Report
from sohoa.reporting.table import print_report
from storage.index.db import Index
from storage.index.events import DossierEvent, events_of, record_event
from storage.index.reuse import attach_result
from storage.index.tables import Dossier, Result, ReuseEvent
from storage.reports import build_report, summary, whole_index_report
from tests.report_fixture import (
    BY_FIELD_DIGITIZATION,
    BY_FIELD_REUSE,
    BY_PROCEDURE_DIGITIZATION,
    BY_UNIT,
    END,
    MONTHS,
    OVERALL,
    START,
    U1,
    U2,
    build_fixture,
)

Expected = dict[Indicator, tuple[int, int]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'index.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = Index(url)
    opened.create_schema()
    build_fixture(opened)
    yield opened
    opened.dispose()


def _counts(cell: Cell) -> Expected:
    return {f.indicator: (f.rate.numerator, f.rate.denominator) for f in cell.figures}


def _report(index: Index, **kwargs: object) -> Report:
    with index.session() as session:
        return build_report(session, START, END, **kwargs)  # type: ignore[arg-type]


def test_quarter_by_unit_matches_hand_computed_figures(index: Index) -> None:
    report = _report(index, by=GroupBy.UNIT, period=PeriodKind.MONTH)
    assert _counts(report.overall) == OVERALL
    assert [p.label for p in report.periods] == ["2024-01", "2024-02", "2024-03"]
    assert {c.period.label: _counts(c) for c in report.period_totals if c.period} == MONTHS
    assert {c.group: _counts(c) for c in report.group_totals} == BY_UNIT
    cells = {(c.period.label, c.group): _counts(c) for c in report.rows if c.period}
    assert set(cells) == {
        ("2024-01", U1),
        ("2024-02", U1),
        ("2024-03", U1),
        ("2024-03", U2),
    }  # U2 had nothing in January or February
    assert cells[("2024-01", U1)] == MONTHS["2024-01"]
    assert cells[("2024-03", U1)][Indicator.DOSSIER_DIGITIZATION] == (1, 1)  # D10
    assert cells[("2024-03", U2)][Indicator.REUSE] == (1, 2)  # D7 of D6 D7; D8 undated


def test_grouping_by_procedure_and_field(index: Index) -> None:
    by_procedure = _report(index, by=GroupBy.PROCEDURE, period=PeriodKind.RANGE)
    digitization = {
        c.group: _counts(c)[Indicator.DOSSIER_DIGITIZATION] for c in by_procedure.group_totals
    }
    assert digitization == BY_PROCEDURE_DIGITIZATION
    by_field = _report(index, by=GroupBy.FIELD, period=PeriodKind.RANGE)
    totals = {c.group: _counts(c) for c in by_field.group_totals}
    assert {g: t[Indicator.DOSSIER_DIGITIZATION] for g, t in totals.items()} == (
        BY_FIELD_DIGITIZATION
    )
    assert {g: t[Indicator.REUSE] for g, t in totals.items()} == BY_FIELD_REUSE
    assert _counts(by_field.overall) == OVERALL  # grouping never changes the totals


def test_quarters_and_completion_in_the_next_period(index: Index) -> None:
    with index.session() as session:
        report = build_report(session, START, date(2024, 4, 30), period=PeriodKind.QUARTER)
    q1, q2 = report.period_totals
    assert q1.period and q2.period
    assert (q1.period.label, q1.period.title) == ("2024-Q1", "Quý I/2024")
    assert (q2.period.start, q2.period.end) == (date(2024, 4, 1), date(2024, 4, 30))
    assert _counts(q1) == OVERALL
    # D10: received in March (counted in Q1 above), completed electronically in April.
    assert _counts(q2)[Indicator.ELECTRONIC_RESULT] == (1, 1)
    assert _counts(q2)[Indicator.DOSSIER_DIGITIZATION] == (0, 0)


def test_received_in_january_completed_in_february(index: Index) -> None:
    with index.session() as session:
        january = build_report(session, START, date(2024, 1, 31)).overall
        february = build_report(session, date(2024, 2, 1), date(2024, 2, 29)).overall
    # D2 is one of January's three received dossiers and February's one completed dossier.
    assert _counts(january)[Indicator.DOSSIER_DIGITIZATION] == (1, 3)
    assert _counts(january)[Indicator.ELECTRONIC_RESULT] == (2, 2)  # D1, D9 (received 2023)
    assert _counts(february)[Indicator.ELECTRONIC_RESULT] == (0, 1)


def test_withdrawn_dossier_is_left_out_of_numerator_and_denominator(index: Index) -> None:
    february = MONTHS["2024-02"]
    # D4 (digitized, citizen data) would make these (2, 2) and (1, 2).
    assert february[Indicator.DOSSIER_DIGITIZATION] == (1, 1)
    assert february[Indicator.CITIZEN_DATA] == (0, 1)
    report = _report(index, period=PeriodKind.MONTH)
    assert _counts(report.period_totals[1]) == february


def test_refused_attach_of_an_expired_result_adds_no_event(index: Index) -> None:
    with index.session() as session:
        count_events = select(func.count()).select_from(DossierEvent)
        count_reuses = select(func.count()).select_from(ReuseEvent)
        before = (session.scalar(count_events), session.scalar(count_reuses))
        # D7 reused this result while valid (counted above); it expired on 2024-03-20.
        expiring = session.scalars(
            select(Result.id).where(Result.valid_until == date(2024, 3, 20))
        ).one()
        context = DossierContext(dossier_code=f"{U1}-240210-0005", component="Giấy tờ")
        with pytest.raises(ReuseNotAllowed):
            attach_result(session, expiring, context, "canbo1", today=date(2024, 3, 21))
        assert (session.scalar(count_events), session.scalar(count_reuses)) == before
    assert _counts(_report(index).overall) == OVERALL


def test_reception_is_recorded_and_events_can_be_added_by_code(index: Index) -> None:
    with index.session() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.code == f"{U2}-240305-0001")).one()
        history = events_of(session, dossier.id)
        assert history[0].kind == EventKind.RECEIVED.value
        assert history[0].at == datetime.combine(date(2024, 3, 5), time.min)
        assert [e.kind for e in history[1:]] == [
            "citizen_data_used",
            "result_digitized",
            "completed",
            "electronic_result_issued",
        ]
        added = record_event(session, dossier.code, "withdrawn", datetime(2024, 3, 7))
        assert added.dossier_id == dossier.id
        with pytest.raises(ValueError):
            record_event(session, dossier.id, "lost")
    report = _report(index)
    assert _counts(report.overall)[Indicator.ELECTRONIC_RESULT] == (2, 3)  # D6 now withdrawn


def test_scores_as_published(index: Index) -> None:
    overall = _report(index, period=PeriodKind.RANGE).overall
    assert overall.figure(Indicator.REUSE).score == pytest.approx((2 / 7) / 0.8)
    assert overall.figure(Indicator.DOSSIER_DIGITIZATION).score == pytest.approx(5 / 8)
    assert overall.figure(Indicator.ELECTRONIC_RESULT).score == pytest.approx(3 / 4)
    assert overall.figure(Indicator.OCR_REVIEW).score is None  # not a national indicator


def test_demo_summary_covers_the_whole_index(index: Index) -> None:
    with index.session() as session:
        figures = summary(session)
        whole = whole_index_report(session)
    assert whole.start == date(2023, 6, 1)  # the earliest record: a result digitized then
    assert len(whole.periods) == 1
    assert _counts(whole.overall)[Indicator.DOSSIER_DIGITIZATION] == (5, 9)
    console = Console(record=True, width=200)
    print_report(console, whole)  # what ``sohoa demo`` ends with
    assert "Tỷ lệ số hóa hồ sơ" in console.export_text()
    # The whole index adds D9 (received 2023-12-20, no components) to the quarter's dossiers.
    assert figures.dossiers == 9
    assert (figures.dossiers_digitized.numerator, figures.dossiers_digitized.denominator) == (5, 9)
    assert (figures.dossiers_reusing.numerator, figures.dossiers_reusing.denominator) == (2, 8)
    assert (figures.components.numerator, figures.components.denominator) == (7, 9)
