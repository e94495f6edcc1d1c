"""Events from the one-stop system (completion, electronic result, citizen data, withdrawal)
posted through the API move the indicators, once, for the caller's own unit only."""

from __future__ import annotations

from schemas.dossiers import DossierContext
from storage.index.dossiers import ensure_dossier
from tests.api_fixtures import DOSSIER, OTHER_DOSSIER, ApiEnv, api_fixture  # noqa: F401

MARCH = {"from": "2024-03-01", "to": "2024-03-31", "period": "range"}


def _rate(api: ApiEnv, indicator: str) -> tuple[int, int]:
    report = api.client.get("/api/reports", params=MARCH, headers=api.headers("canbo1")).json()
    figure = next(f for f in report["overall"]["figures"] if f["indicator"] == indicator)
    return figure["rate"]["numerator"], figure["rate"]["denominator"]


def _post(api: ApiEnv, user: str, code: str, body: dict[str, str]) -> int:
    response = api.client.post(f"/api/dossiers/{code}/events", json=body, headers=api.headers(user))
    return response.status_code


def test_completion_and_electronic_result_are_counted_once(api: ApiEnv) -> None:
    with api.index.session() as session:
        ensure_dossier(session, DossierContext(dossier_code=DOSSIER, component="Tờ khai"))
    assert _rate(api, "electronic_result") == (0, 0)  # nothing completed in March yet
    done = {"kind": "completed", "at": "2024-03-20T10:00:00"}
    electronic = {"kind": "electronic_result_issued", "at": "2024-03-20T10:05:00"}
    assert _post(api, "canbo1", DOSSIER, done) == 201
    assert _rate(api, "electronic_result") == (0, 1)
    assert _post(api, "canbo1", DOSSIER, electronic) == 201
    assert _rate(api, "electronic_result") == (1, 1)
    assert _post(api, "canbo1", DOSSIER, electronic) == 201  # the one-stop system retried
    assert _rate(api, "electronic_result") == (1, 1)
    assert _rate(api, "citizen_data") == (0, 1)
    assert _post(api, "canbo1", DOSSIER, {"kind": "citizen_data_used"}) == 201
    assert _rate(api, "citizen_data") == (1, 1)


def test_progress_events_are_checked(api: ApiEnv) -> None:
    with api.index.session() as session:
        ensure_dossier(session, DossierContext(dossier_code=DOSSIER, component="Tờ khai"))
        ensure_dossier(session, DossierContext(dossier_code=OTHER_DOSSIER, component="Tờ khai"))
    assert _post(api, "canbo1", OTHER_DOSSIER, {"kind": "completed"}) == 403
    assert _post(api, "quantri", OTHER_DOSSIER, {"kind": "completed"}) == 201  # admin: any unit
    missing = DOSSIER.replace("0007", "0099")
    assert _post(api, "canbo1", missing, {"kind": "completed"}) == 404
    assert _post(api, "canbo1", DOSSIER, {"kind": "component_reused"}) == 422  # sohoa's own
    assert _post(api, "canbo1", "H12-2403-7", {"kind": "completed"}) == 422
    assert _post(api, "canbo1", DOSSIER, {"kind": "completed", "at": "2999-01-01T00:00"}) == 422
    unauthenticated = api.client.post(f"/api/dossiers/{DOSSIER}/events", json={"kind": "completed"})
    assert unauthenticated.status_code == 401
