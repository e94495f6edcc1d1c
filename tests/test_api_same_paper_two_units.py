"""The same paper dropped at two units: the second unit may open what its own dossier holds.

The original is stored and read once (content-addressed). Unit B's component then points at the
result read for unit A; B holds the very same bytes, so B may open, search and attach that
result. Nothing else of unit A's becomes visible to B.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from schemas.dossiers import DossierContext
from schemas.records import ScanState
from storage import keys
from storage.index.tables import Result, Scan
from tests.api_fixtures import (  # noqa: F401
    BIRTH,
    CITIZEN_ID,
    OTHER_DOSSIER,
    ApiEnv,
    api_fixture,
)
from workers.intake import ingest_file
from workers.services import Services


def _drop_again_at_unit_b(api: ApiEnv, result_id: int, tmp_path: Path) -> None:
    with api.index.session() as session:
        scan = session.get(Scan, session.get(Result, result_id).scan_id)  # type: ignore[union-attr]
        assert scan is not None
        scan.state = ScanState.DONE.value
        original = api.store.get_bytes(keys.original_key(scan.sha256))
    again = tmp_path / "khai-sinh-B.pdf"
    again.write_bytes(original)
    services = Services.open(api.settings)
    context = DossierContext(dossier_code=OTHER_DOSSIER, component="Giấy khai sinh")
    receipt = ingest_file(again, context, services)
    services.index.dispose()
    assert not receipt.created  # recognised as the same paper: stored and read once


def test_the_second_unit_opens_searches_and_attaches_the_paper_it_holds(
    api: ApiEnv, tmp_path: Path
) -> None:
    held = api.seed(BIRTH)  # read for unit A
    not_held = api.seed({**BIRTH, "registration_number": "126/2024"}, tag="another paper of A")
    _drop_again_at_unit_b(api, held, tmp_path)
    b = api.headers("canbo2")

    dossier = api.client.get(f"/api/dossiers/{OTHER_DOSSIER}", headers=b).json()
    [component] = dossier["components"]
    assert (component["status"], component["result_id"]) == ("digitized", held)
    assert api.client.get(f"/api/results/{held}/thumbnail", headers=b).status_code == 200
    assert api.client.get(f"/api/results/{held}/original", headers=b).status_code == 200
    found = api.client.post("/api/search/id-number", json={"id_number": CITIZEN_ID}, headers=b)
    assert [card["id"] for card in found.json()["results"]] == [held]

    later = f"{OTHER_DOSSIER[:-4]}0002"  # B's next dossier reuses it instead of a new paper
    attached = api.client.post(
        "/api/attachments",
        json={"result_id": held, "dossier_code": later, "component": "Giấy khai sinh"},
        headers=b,
    )
    assert attached.status_code == 201, attached.text

    assert api.client.get(f"/api/results/{not_held}/thumbnail", headers=b).status_code == 404
    refused = api.client.post(
        "/api/attachments",
        json={"result_id": not_held, "dossier_code": later, "component": "Tờ khai"},
        headers=b,
    )
    assert refused.status_code == 403
    with api.index.session() as session:
        assert session.scalars(select(Scan)).all().__len__() == 2  # no second scan of the paper
