"""Reception: a dossier counts from the day it is received, and the counter is offered the
applicant's reusable results before asking for the paper again."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.index.audit import read_audit
from storage.index.events import DossierEvent
from storage.index.tables import Dossier
from tests.api_fixtures import (  # noqa: F401
    BIRTH,
    CITIZEN_ID,
    DOSSIER,
    EXPIRED_CARD,
    OTHER_DOSSIER,
    ApiEnv,
    api_fixture,
)

RECEIVED = {"dossier_code": DOSSIER, "procedure_code": "1.000894", "channel": 2}


def test_a_dossier_is_recorded_once_when_received_even_if_never_scanned(api: ApiEnv) -> None:
    first = api.client.post("/api/dossiers", json=RECEIVED, headers=api.headers("canbo1"))
    assert first.status_code == 200, first.text
    assert first.json()["created"] is True and first.json()["proposals"] == []
    again = api.client.post("/api/dossiers", json=RECEIVED, headers=api.headers("canbo1"))
    assert again.json()["created"] is False
    with api.index.session() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.code == DOSSIER)).one()
        assert (dossier.procedure_code, dossier.channel) == ("1.000894", 2)
        received = session.scalar(
            select(func.count())
            .select_from(DossierEvent)
            .where(DossierEvent.dossier_id == dossier.id, DossierEvent.kind == "received")
        )
    assert received == 1
    report = api.client.get(
        "/api/reports",
        params={"from": "2024-03-01", "to": "2024-03-31", "format": "json"},
        headers=api.headers("lanhdao"),
    )
    [row] = report.json()["rows"]
    figures = {f["indicator"]: f["rate"] for f in row["figures"]}
    # Received and never scanned: in the denominator, not (yet) in the numerator.
    assert figures["dossier_digitization"] == {"numerator": 0, "denominator": 1, "percent": 0.0}
    assert figures["reuse"]["denominator"] == 1


def test_the_applicants_reusable_results_are_offered_and_the_offer_audited(api: ApiEnv) -> None:
    confirmed = api.seed(BIRTH)
    api.seed({**BIRTH, "registration_number": "126/2024"}, needs_review=True, tag="unsure")
    api.seed({**EXPIRED_CARD, "id_number": CITIZEN_ID}, doc_type="id_card", tag="expired")
    answer = api.client.post(
        "/api/dossiers",
        json={**RECEIVED, "applicant_id_number": "001 224 012 345"},
        headers=api.headers("canbo1"),
    ).json()
    assert [card["id"] for card in answer["proposals"]] == [confirmed]
    with api.index.session() as session:
        [entry] = read_audit(session, action="reception")
    assert entry.dossier_code == DOSSIER and entry.detail == "1 đề xuất"
    assert CITIZEN_ID not in entry.query


def test_another_units_dossier_cannot_be_received_here(api: ApiEnv) -> None:
    refused = api.client.post(
        "/api/dossiers",
        json={**RECEIVED, "dossier_code": OTHER_DOSSIER},
        headers=api.headers("canbo1"),
    )
    assert refused.status_code == 403
