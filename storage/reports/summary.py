"""Whole-index figures for the demo's closing lines, from the same formulas as the report."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.reporting import GroupBy, Indicator, PeriodKind, Rate, Report
from storage.index.events import DossierEvent
from storage.index.tables import Dossier, Result
from storage.reports.build import build_report


class DigitizationSummary(BaseModel):
    dossiers: int
    components: Rate
    dossiers_digitized: Rate
    dossiers_reusing: Rate


def index_span(session: Session) -> tuple[date, date]:
    """First and last day anything was recorded; today for an empty index."""
    days: list[date] = []
    for column in (Dossier.received_on, Dossier.created_at, DossierEvent.at, Result.digitized_at):
        for value in session.execute(select(func.min(column), func.max(column))).one():
            if value is not None:
                days.append(value if type(value) is date else value.date())
    today = date.today()
    return (min(days), max(days)) if days else (today, today)


def whole_index_report(
    session: Session, by: GroupBy = GroupBy.UNIT, period: PeriodKind = PeriodKind.RANGE
) -> Report:
    """The full report over everything in the index (the demo ends with it)."""
    start, end = index_span(session)
    return build_report(session, start, end, by=by, period=period)


def summary(session: Session) -> DigitizationSummary:
    """Whole-index component digitization, dossier digitization and reuse rates."""
    overall = whole_index_report(session).overall
    digitized = overall.figure(Indicator.DOSSIER_DIGITIZATION).rate
    return DigitizationSummary(
        dossiers=digitized.denominator,
        components=overall.figure(Indicator.COMPONENT_DIGITIZATION).rate,
        dossiers_digitized=digitized,
        dossiers_reusing=overall.figure(Indicator.REUSE).rate,
    )
