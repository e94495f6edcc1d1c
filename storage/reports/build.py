"""The report: indicators per period and group, with totals, from one read of the index.

``build_report`` is what the CLI and the API call; it reads once and computes in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from schemas.reporting import (
    CHANNEL_LABELS_VI,
    Cell,
    ChannelCount,
    GroupBy,
    Period,
    PeriodKind,
    Report,
)
from storage.reports.facts import DossierFacts, ResultRow
from storage.reports.indicators import NOTES, figures, received
from storage.reports.periods import split_periods, whole_range
from storage.reports.queries import dossier_facts, result_rows


def build_report(
    session: Session,
    start: date,
    end: date,
    by: GroupBy = GroupBy.UNIT,
    period: PeriodKind = PeriodKind.MONTH,
    names: Mapping[str, str] | None = None,
) -> Report:
    """All indicators over ``start``..``end`` (inclusive), per period and per ``by`` group.

    ``names``: group code → name (units and procedures from the catalogue), shown beside codes.
    """
    names = names or {}
    periods = split_periods(start, end, period)
    whole = whole_range(start, end)
    facts = dossier_facts(session, start, end)
    results = result_rows(session, start, end)
    groups: dict[str, tuple[list[DossierFacts], list[ResultRow]]] = defaultdict(lambda: ([], []))
    for fact in facts:
        groups[fact.key(by)][0].append(fact)
    for result in results:
        groups[result.key(by)][1].append(result)
    rows = []
    for span in periods:
        for group, (group_facts, group_results) in sorted(groups.items()):
            cell = Cell(
                period=span,
                group=group,
                group_name=names.get(group),
                figures=figures(group_facts, group_results, span),
            )
            if any(f.rate.denominator for f in cell.figures):
                rows.append(cell)
    return Report(
        start=start,
        end=end,
        by=by,
        period=period,
        generated_at=datetime.now(),
        periods=periods,
        rows=rows,
        period_totals=[
            Cell(period=span, figures=figures(facts, results, span)) for span in periods
        ],
        group_totals=[
            Cell(
                group=group,
                group_name=names.get(group),
                figures=figures(group_facts, group_results, whole),
            )
            for group, (group_facts, group_results) in sorted(groups.items())
        ],
        overall=Cell(figures=figures(facts, results, whole)),
        channels=channel_counts(facts, whole),
        notes=list(NOTES),
    )


def channel_counts(facts: list[DossierFacts], whole: Period) -> list[ChannelCount]:
    """Dossiers received in the range (withdrawn ones left out, as in the denominators)."""
    counts = Counter(f.channel for f in received(facts, whole))
    return [
        ChannelCount(channel=channel, label=label, dossiers=counts[channel])
        for channel, label in CHANNEL_LABELS_VI.items()
        if counts[channel] or channel is not None
    ]
