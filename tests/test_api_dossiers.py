"""Attach an earlier result to a dossier component, detach it, and view the dossier."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from storage.index.audit import citizen_hash, read_audit
from storage.index.tables import ReuseEvent
from tests.api_fixtures import (  # noqa: F401 - api_fixture is the "api" fixture
    BIRTH,
    DOSSIER,
    EXPIRED_CARD,
    OTHER_DOSSIER,
    OTHER_UNIT,
    ApiEnv,
    api_fixture,
)


def _attach(
    api: ApiEnv, result_id: object, user: str = "canbo1", **overrides: object
) -> httpx.Response:
    body = {
        "result_id": result_id,
        "dossier_code": DOSSIER,
        "component": "Giấy khai sinh",
        "procedure_code": "1.001193",
        **overrides,
    }
    return api.client.post("/api/attachments", json=body, headers=api.headers(user))


def test_attach_counts_the_component_as_reused_and_is_audited(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    response = _attach(api, result_id)
    assert response.status_code == 201, response.text
    dossier = response.json()
    assert dossier["code"] == DOSSIER and dossier["procedure_code"] == "1.001193"
    assert dossier["reused_count"] == 1
    [component] = dossier["components"]
    assert component["name"] == "Giấy khai sinh"
    assert component["status"] == "reused_component"
    assert component["status_label"].startswith("Tái sử dụng")
    assert component["result_id"] == result_id
    assert [e["action"] for e in dossier["events"]] == ["attach"]
    assert dossier["events"][0]["staff_username"] == "canbo1"
    view = api.client.get(f"/api/dossiers/{DOSSIER}", headers=api.headers("canbo1")).json()
    assert view["reused_count"] == 1
    with api.index.session() as session:
        [entry] = read_audit(session, action="attach")
    assert entry.username == "canbo1" and entry.dossier_code == DOSSIER
    assert entry.citizen_hash == citizen_hash(api.settings.api.secret_key, BIRTH["id_number"])


def test_detach_is_recorded_and_nothing_is_deleted(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    component_id = _attach(api, result_id).json()["components"][0]["id"]
    response = api.client.post(
        f"/api/dossiers/{DOSSIER}/components/{component_id}/detach",
        headers=api.headers("canbo1"),
    )
    assert response.status_code == 200, response.text
    dossier = response.json()
    assert dossier["reused_count"] == 0
    assert dossier["components"][0]["status"] == "not_digitized"
    assert [e["action"] for e in dossier["events"]] == ["attach", "detach"]
    with api.index.session() as session:
        events = session.scalars(select(ReuseEvent).order_by(ReuseEvent.id)).all()
        assert [(e.action, e.result_id) for e in events] == [
            ("attach", result_id),
            ("detach", result_id),
        ]
        assert [e.action for e in read_audit(session)][:2] == ["detach", "attach"]
    again = api.client.post(
        f"/api/dossiers/{DOSSIER}/components/{component_id}/detach",
        headers=api.headers("canbo1"),
    )
    assert again.status_code == 422


def test_expired_result_is_refused_with_the_vietnamese_reason(api: ApiEnv) -> None:
    result_id = api.seed(EXPIRED_CARD, doc_type="id_card")
    response = _attach(api, result_id, component="Căn cước công dân")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "reuse_not_allowed"
    assert body["message"].startswith("Không thể sử dụng lại kết quả này")
    assert "hết hiệu lực từ 2020-01-01" in body["message"]
    with api.index.session() as session:
        assert session.scalars(select(ReuseEvent)).all() == []
        [refusal] = read_audit(session, action="attach_refused")
    assert refusal.detail == "reuse_not_allowed" and refusal.dossier_code == DOSSIER


def test_other_units_result_or_dossier_is_forbidden(api: ApiEnv) -> None:
    theirs = api.seed(BIRTH, unit_code=OTHER_UNIT, tag="other")
    assert _attach(api, theirs).status_code == 403
    shared = api.seed(BIRTH, unit_code=OTHER_UNIT, shared=True, tag="shared")
    assert _attach(api, shared).status_code == 201
    own = api.seed(BIRTH, tag="own")
    foreign_dossier = _attach(api, own, dossier_code=OTHER_DOSSIER)
    assert foreign_dossier.status_code == 403
    assert "thuộc đơn vị" in foreign_dossier.json()["message"]
    assert _attach(api, own, "quantri", dossier_code=OTHER_DOSSIER).status_code == 201
    view = api.client.get(f"/api/dossiers/{DOSSIER}", headers=api.headers("canbo2"))
    assert view.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "phrase"),
    [
        ({"dossier_code": "H12-2403-7"}, "dossier_code", "MÃĐV-YYMMDD-NNNN"),
        ({"dossier_code": "H12-241340-0001"}, "dossier_code", "không đúng dạng"),
        ({"component": "  "}, "component", "thành phần"),
        ({"result_id": "abc"}, "result_id", "số nguyên"),
        ({"result_id": 0}, "result_id", "số dương"),
    ],
)
def test_bad_attach_input_is_422(
    api: ApiEnv, overrides: dict[str, object], field: str, phrase: str
) -> None:
    result_id = overrides.pop("result_id", 1)
    response = _attach(api, result_id, "canbo1", **overrides)
    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert phrase in body["message"]


def test_malformed_dossier_code_in_path_is_422_and_unknown_is_404(api: ApiEnv) -> None:
    bad = api.client.get("/api/dossiers/khong-hop-le", headers=api.headers("canbo1"))
    assert bad.status_code == 422 and "MÃĐV-YYMMDD-NNNN" in bad.json()["message"]
    missing = api.client.get(f"/api/dossiers/{DOSSIER}", headers=api.headers("canbo1"))
    assert missing.status_code == 404


def test_attaching_a_missing_result_is_404(api: ApiEnv) -> None:
    response = _attach(api, 999)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
