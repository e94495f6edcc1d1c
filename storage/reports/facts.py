"""What a dossier's events add up to: the plain facts the indicator formulas count.

Folding is pure (rows in, facts out) so the formulas can be tested without a database and the
same facts serve every period and grouping of one report.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from schemas.reporting import Channel, EventKind, GroupBy


def group_key(by: GroupBy, unit: str, procedure: str, field: str) -> str:
    return {GroupBy.UNIT: unit, GroupBy.PROCEDURE: procedure, GroupBy.FIELD: field}[by]


@dataclass(frozen=True)
class DossierRow:
    id: int
    unit: str
    procedure: str
    field: str
    received_on: date | None
    created_on: date
    channel: int | None
    issues_result: bool


@dataclass(frozen=True)
class ComponentRow:
    """A thành phần hồ sơ (kind ``component``; the dossier's result is tracked by events)."""

    id: int
    dossier_id: int


@dataclass(frozen=True)
class EventRow:
    id: int
    dossier_id: int
    component_id: int | None
    kind: str
    at: datetime


@dataclass(frozen=True)
class ResultRow:
    """One OCR run (result version), for the review rate."""

    unit: str
    procedure: str
    field: str
    digitized_on: date
    needs_review: bool

    def key(self, by: GroupBy) -> str:
        return group_key(by, self.unit, self.procedure, self.field)


@dataclass(frozen=True)
class DossierFacts:
    unit: str
    procedure: str
    field: str
    received_on: date | None  # None: no receipt date, left out of the reuse rate
    reception_day: date  # receipt date, else the day sohoa first recorded the dossier
    completed_on: date | None  # first completion
    withdrawn: bool
    online: bool  # handed in online: its components arrive already digital
    issues_result: bool
    components: int
    components_digitized: int  # digitized from a scan or satisfied by reuse
    components_reused: int
    reused: bool
    result_digitized: bool
    electronic_result: bool
    citizen_data: bool
    channel: int | None = None  # 1 in person, 2 online, 3 postal; None unknown

    def key(self, by: GroupBy) -> str:
        return group_key(by, self.unit, self.procedure, self.field)


@dataclass
class _Trail:
    """Event kinds seen for a dossier, and each component's digitized / reused state."""

    kinds: set[str] = dataclasses.field(default_factory=set)
    first_completed: datetime | None = None
    digitized: set[int] = dataclasses.field(default_factory=set)
    reused: dict[int, bool] = dataclasses.field(default_factory=dict)
    reused_without_component: bool = False


def _trails(events: Iterable[EventRow]) -> dict[int, _Trail]:
    trails: dict[int, _Trail] = defaultdict(_Trail)
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        trail = trails[event.dossier_id]
        trail.kinds.add(event.kind)
        if event.kind == EventKind.COMPLETED and trail.first_completed is None:
            trail.first_completed = event.at
        if event.kind in (EventKind.COMPONENT_DIGITIZED, EventKind.RESULT_DIGITIZED):
            if event.component_id is not None:
                trail.digitized.add(event.component_id)
        elif event.kind == EventKind.COMPONENT_REUSED:
            if event.component_id is None:
                trail.reused_without_component = True
            else:
                trail.reused[event.component_id] = True
        elif event.kind == EventKind.REUSE_DETACHED and event.component_id is not None:
            trail.reused[event.component_id] = False
    return trails


def fold(
    dossiers: Iterable[DossierRow],
    components: Iterable[ComponentRow],
    events: Iterable[EventRow],
) -> list[DossierFacts]:
    """One DossierFacts per dossier; the latest of reuse / detach decides a component's reuse."""
    trails = _trails(events)
    parts: dict[int, list[int]] = defaultdict(list)
    for component in components:
        parts[component.dossier_id].append(component.id)
    facts = []
    for row in dossiers:
        trail = trails.get(row.id) or _Trail()
        online = row.channel == Channel.ONLINE
        ids = parts.get(row.id, [])
        reused = {c for c, now in trail.reused.items() if now}
        facts.append(
            DossierFacts(
                unit=row.unit,
                procedure=row.procedure,
                field=row.field,
                received_on=row.received_on,
                reception_day=row.received_on or row.created_on,
                completed_on=trail.first_completed.date() if trail.first_completed else None,
                withdrawn=EventKind.WITHDRAWN in trail.kinds,
                online=online,
                channel=row.channel,
                issues_result=row.issues_result,
                components=len(ids),
                components_digitized=sum(
                    1 for c in ids if online or c in trail.digitized or c in reused
                ),
                components_reused=sum(1 for c in ids if c in reused),
                reused=bool(reused) or trail.reused_without_component,
                result_digitized=EventKind.RESULT_DIGITIZED in trail.kinds,
                electronic_result=EventKind.ELECTRONIC_RESULT_ISSUED in trail.kinds,
                citizen_data=EventKind.CITIZEN_DATA_USED in trail.kinds,
            )
        )
    return facts
