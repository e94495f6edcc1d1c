"""The pure parts: period cutting, scoring, and folding events into dossier facts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from schemas.reporting import EventKind, Indicator, PeriodKind, Rate
from storage.reports.facts import ComponentRow, DossierRow, EventRow, fold
from storage.reports.indicators import dossier_digitization, reuse, score
from storage.reports.periods import split_periods, whole_range


def test_months_are_clipped_to_the_range() -> None:
    periods = split_periods(date(2024, 1, 15), date(2024, 3, 10), PeriodKind.MONTH)
    assert [(p.label, p.start, p.end) for p in periods] == [
        ("2024-01", date(2024, 1, 15), date(2024, 1, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-03", date(2024, 3, 1), date(2024, 3, 10)),
    ]
    assert periods[1].title == "Tháng 02/2024"


def test_quarters_years_and_a_single_range() -> None:
    quarters = split_periods(date(2023, 11, 1), date(2024, 12, 31), PeriodKind.QUARTER)
    assert [p.label for p in quarters] == [
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
    ]
    assert quarters[-1].title == "Quý IV/2024" and quarters[-1].end == date(2024, 12, 31)
    years = split_periods(date(2023, 6, 1), date(2024, 2, 1), PeriodKind.YEAR)
    assert [(p.title, p.start, p.end) for p in years] == [
        ("Năm 2023", date(2023, 6, 1), date(2023, 12, 31)),
        ("Năm 2024", date(2024, 1, 1), date(2024, 2, 1)),
    ]
    single = split_periods(date(2024, 1, 5), date(2024, 2, 5), PeriodKind.RANGE)
    assert single == [whole_range(date(2024, 1, 5), date(2024, 2, 5))]
    with pytest.raises(ValueError):
        split_periods(date(2024, 2, 1), date(2024, 1, 1), PeriodKind.MONTH)


@pytest.mark.parametrize(
    ("indicator", "rate", "expected"),
    [
        (Indicator.REUSE, Rate(numerator=8, denominator=10), 1.0),
        (Indicator.REUSE, Rate(numerator=9, denominator=10), 1.0),  # full marks from 80%
        (Indicator.REUSE, Rate(numerator=4, denominator=10), 0.5),
        (Indicator.DOSSIER_DIGITIZATION, Rate(numerator=9, denominator=10), 0.9),
        (Indicator.ELECTRONIC_RESULT, Rate(numerator=0, denominator=0), None),
        (Indicator.COMPONENT_REUSE, Rate(numerator=1, denominator=2), None),
    ],
)
def test_scores_as_published(indicator: Indicator, rate: Rate, expected: float | None) -> None:
    assert score(indicator, rate) == (expected if expected is None else pytest.approx(expected))


def _dossier(id: int, channel: int | None = 1, issues_result: bool = True) -> DossierRow:
    return DossierRow(
        id=id,
        unit="U",
        procedure="P",
        field="F",
        received_on=date(2024, 1, 2),
        created_on=date(2024, 1, 2),
        channel=channel,
        issues_result=issues_result,
    )


def _event(id: int, dossier: int, kind: EventKind, component: int | None, day: int) -> EventRow:
    return EventRow(
        id=id,
        dossier_id=dossier,
        component_id=component,
        kind=kind.value,
        at=datetime(2024, 1, day),
    )


def test_the_latest_of_reuse_and_detach_decides_whatever_the_insertion_order() -> None:
    events = [
        _event(3, 1, EventKind.COMPONENT_REUSED, 10, 5),  # re-attached after the detach
        _event(1, 1, EventKind.COMPONENT_REUSED, 10, 2),
        _event(2, 1, EventKind.REUSE_DETACHED, 10, 3),
        _event(4, 2, EventKind.COMPONENT_REUSED, 20, 2),
        _event(5, 2, EventKind.REUSE_DETACHED, 20, 3),
        _event(6, 3, EventKind.COMPONENT_REUSED, None, 2),  # reuse recorded for the dossier
    ]
    components = [ComponentRow(10, 1), ComponentRow(20, 2)]
    facts = fold([_dossier(1), _dossier(2), _dossier(3)], components, events)
    assert [f.reused for f in facts] == [True, False, True]
    assert [f.components_reused for f in facts] == [1, 0, 0]
    period = whole_range(date(2024, 1, 1), date(2024, 1, 31))
    assert reuse(facts, period) == Rate(numerator=2, denominator=3)


def test_online_dossier_components_count_as_digital_but_the_result_is_still_needed() -> None:
    period = whole_range(date(2024, 1, 1), date(2024, 1, 31))
    online = [_dossier(1, channel=2), _dossier(2, channel=2)]
    events = [_event(1, 1, EventKind.RESULT_DIGITIZED, None, 4)]
    facts = fold(online, [ComponentRow(10, 2)], events)
    assert (facts[1].components, facts[1].components_digitized) == (1, 1)
    assert dossier_digitization(facts, period) == Rate(numerator=1, denominator=2)  # 2 lacks it


def test_completion_is_the_first_completed_event() -> None:
    events = [
        _event(2, 1, EventKind.COMPLETED, None, 20),
        _event(1, 1, EventKind.COMPLETED, None, 10),
    ]
    (facts,) = fold([_dossier(1)], [], events)
    assert facts.completed_on == date(2024, 1, 10)
