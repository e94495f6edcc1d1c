"""The review queue and corrections saved as a new, attributed version."""

from __future__ import annotations

from sqlalchemy import select

from storage.index.audit import read_audit
from storage.index.tables import Result, Scan
from tests.api_fixtures import BIRTH, CITIZEN_ID, OTHER_UNIT, ApiEnv, api_fixture  # noqa: F401

UNSURE = {**BIRTH, "full_name": "NGUYEN VAN DUC", "sex": "Nm"}


def test_queue_lists_needs_review_results_of_the_users_unit(api: ApiEnv) -> None:
    mine = api.seed(UNSURE, needs_review=True)
    api.seed(BIRTH, tag="confident")
    theirs = api.seed(UNSURE, needs_review=True, unit_code=OTHER_UNIT, tag="other")
    ids = [
        i["card"]["id"] for i in api.client.get("/api/review", headers=api.headers("canbo1")).json()
    ]
    assert ids == [mine]
    other = api.client.get("/api/review", headers=api.headers("canbo2")).json()
    assert [i["card"]["id"] for i in other] == [theirs]
    everything = api.client.get("/api/review", headers=api.headers("quantri")).json()
    assert [i["card"]["id"] for i in everything] == [mine, theirs]
    item = api.client.get("/api/review", headers=api.headers("canbo1")).json()[0]
    assert item["review_reasons"] == ["full_name: độ tin cậy thấp"]
    assert {"name": "sex", "label": "Giới tính", "value": "Nm"} in item["fields"]


def test_correction_creates_version_2_attributed_to_the_user(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    response = api.client.post(
        f"/api/review/{result_id}",
        json={"version": 1, "fields": {"full_name": "nguyễn văn  đức", "sex": "nam"}},
        headers=api.headers("canbo1"),
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["card"]["version"] == 2 and item["card"]["id"] != result_id
    assert item["card"]["needs_review"] is False
    assert item["card"]["owner_name"] == "NGUYỄN VĂN ĐỨC"
    with api.index.session() as session:
        versions = session.scalars(select(Result).order_by(Result.version)).all()
        assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
        old, new = versions
        assert old.fields["sex"] == "Nm"  # the old version is kept as it was
        assert new.fields["sex"] == "Nam" and new.fields["id_number"] == CITIZEN_ID
        assert new.engine["corrected_by"] == "canbo1"
        assert new.engine["corrected_from_version"] == "1"
        assert new.derived_prefix == old.derived_prefix
        assert session.scalars(select(Scan)).one().current_version == 2
        [entry] = read_audit(session, action="review_correction")
    assert entry.username == "canbo1" and entry.detail == "fields=full_name,sex"
    assert api.client.get("/api/review", headers=api.headers("canbo1")).json() == []
    found = api.client.post(
        "/api/search/name",
        json={"name": "Nguyen Van Duc", "date_of_birth": "2024-03-12"},
        headers=api.headers("canbo1"),
    ).json()
    assert [c["version"] for c in found["results"]] == [2]


def test_correcting_an_old_version_is_409(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    body = {"version": 1, "fields": {"sex": "Nam"}}
    first = api.client.post(f"/api/review/{result_id}", json=body, headers=api.headers("canbo1"))
    assert first.status_code == 200
    second = api.client.post(f"/api/review/{result_id}", json=body, headers=api.headers("lanhdao"))
    assert second.status_code == 409 and second.json()["code"] == "stale_version"


def test_other_unit_cannot_correct(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True, shared=True)
    response = api.client.post(
        f"/api/review/{result_id}",
        json={"version": 1, "fields": {"sex": "Nam"}},
        headers=api.headers("canbo2"),
    )
    assert response.status_code == 403


def test_invalid_corrections_are_422(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    for fields, phrase in (
        ({"id_number": "12345"}, "12 chữ số"),
        ({"date_of_birth": "2024-02-30"}, "YYYY-MM-DD"),
        ({"sex": "khác"}, "Nam"),
        ({"Bad Name": "x"}, "Tên trường"),
        ({}, "ít nhất một trường"),
    ):
        response = api.client.post(
            f"/api/review/{result_id}",
            json={"version": 1, "fields": fields},
            headers=api.headers("canbo1"),
        )
        assert response.status_code == 422, fields
        assert phrase in response.json()["message"], response.json()
    missing = api.client.post(
        "/api/review/999",
        json={"version": 1, "fields": {"sex": "Nam"}},
        headers=api.headers("canbo1"),
    )
    assert missing.status_code == 404
