"""Which of a citizen's earlier results satisfy which required component of a procedure.

Pure: given the procedure, the applicant's reusable results and the day of reception, it
ranks the candidates for each component. The best candidate is the applicant's own paper (they
are its owner, not only named on it), then one that stays valid longest, then one of this unit
over one shared province-wide, then the most recently issued.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from schemas.catalogue import Procedure, RequiredComponent
from schemas.fields import DOC_TYPE_LABELS_VI
from sohoa.api.views import ResultCard


class ComponentCandidates(BaseModel):
    component: RequiredComponent
    candidates: list[ResultCard]
    """Best first; empty when no earlier result can stand in for the paper."""


def _rank_key(card: ResultCard, applicant_id: str | None, unit_code: str) -> tuple[object, ...]:
    return (
        card.owner_id_number != applicant_id if applicant_id else False,
        -(card.valid_until or date.max).toordinal(),
        card.unit_code != unit_code,
        -(card.issue_date or date.min).toordinal(),
        -card.id,
    )


def candidates_for(
    procedure: Procedure,
    cards: list[ResultCard],
    applicant_id: str | None,
    unit_code: str,
    on: date,
) -> list[ComponentCandidates]:
    """Each required component with the reusable results that satisfy it on ``on``, best first.

    ``cards`` must already be the results this unit may reuse (visible, confirmed, current).
    """
    matched = []
    for component in procedure.components:
        fitting = [
            card
            for card in cards
            if component.accepts(card.doc_type.value, card.issue_date, card.valid_until, on)
        ]
        fitting.sort(key=lambda card: _rank_key(card, applicant_id, unit_code))
        matched.append(ComponentCandidates(component=component, candidates=fitting))
    return matched


def doc_type_labels(component: RequiredComponent) -> list[str]:
    return [DOC_TYPE_LABELS_VI[kind] for kind in component.doc_types]
