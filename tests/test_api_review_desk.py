"""The review desk's API: the form of each document type, confirming a result as read (no field
changed), the correction history per field, and errors that name fields as staff know them."""

from __future__ import annotations

from sqlalchemy import select

from storage.index.audit import read_audit
from storage.index.tables import Result, Scan
from tests.api_fixtures import BIRTH, CITIZEN_ID, OTHER_UNIT, ApiEnv, api_fixture  # noqa: F401

UNSURE = {key: value for key, value in BIRTH.items() if key != "registration_number"}
UNSURE["full_name"] = "NGUYEN VAN DUC"


def _card(api: ApiEnv, result_id: int) -> dict[str, object]:
    found = api.client.post(
        "/api/search/id-number", json={"id_number": CITIZEN_ID}, headers=api.headers("canbo1")
    ).json()
    [card] = [c for c in found["results"] if c["id"] == result_id]
    return card


def test_every_document_type_has_its_whole_form_in_vietnamese(api: ApiEnv) -> None:
    forms = api.client.get("/api/review/forms", headers=api.headers("canbo1")).json()
    birth = next(f for f in forms if f["doc_type"] == "birth_certificate")
    assert birth["label"] == "Giấy khai sinh"
    fields = {f["name"]: f for f in birth["fields"]}
    assert len(fields) == 15
    assert fields["registration_date"] == {
        "name": "registration_date",
        "label": "Ngày đăng ký",
        "kind": "date",
        "required": True,
    }
    assert fields["sex"]["kind"] == "sex" and fields["mother_birth_year"]["kind"] == "year"
    assert all("_" not in f["label"] for form in forms for f in form["fields"])
    assert next(f for f in forms if f["doc_type"] == "other")["fields"] == []
    assert api.client.get("/api/review/forms").status_code == 401


def test_confirming_as_read_makes_the_result_reusable(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH, needs_review=True)
    before = _card(api, result_id)
    assert before["attachable"] is False and "rà soát" in str(before["not_attachable_reason"])
    response = api.client.post(
        f"/api/review/{result_id}/confirm", json={"version": 1}, headers=api.headers("canbo1")
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["card"]["version"] == 2 and item["card"]["needs_review"] is False
    assert item["fields"] == [f for f in item["fields"] if f["value"] == BIRTH[f["name"]]]
    after = _card(api, item["card"]["id"])
    assert after["needs_review"] is False and after["attachable"] is True
    with api.index.session() as session:
        new = session.scalars(select(Result).where(Result.is_current.is_(True))).one()
        assert new.fields == BIRTH
        assert new.engine["corrected_by"] == "canbo1" and new.engine["review"] == "confirmed"
        assert session.scalars(select(Scan)).one().current_version == 2
        [entry] = read_audit(session, action="review_confirm")
    assert entry.username == "canbo1" and entry.query == f"result={result_id} v1->v2"
    attached = api.client.post(
        "/api/attachments",
        json={
            "result_id": item["card"]["id"],
            "dossier_code": "000.00.20.H12-240315-0007",
            "component": "Giấy khai sinh",
        },
        headers=api.headers("canbo1"),
    )
    assert attached.status_code == 201, attached.text


def test_confirming_twice_another_units_or_an_old_version_is_refused(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH, needs_review=True)
    body = {"version": 1}
    theirs = api.client.post(
        f"/api/review/{result_id}/confirm", json=body, headers=api.headers("canbo2")
    )
    assert theirs.status_code == 403
    first = api.client.post(
        f"/api/review/{result_id}/confirm", json=body, headers=api.headers("canbo1")
    )
    stale = api.client.post(
        f"/api/review/{result_id}/confirm", json=body, headers=api.headers("lanhdao")
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    settled = api.client.post(
        f"/api/review/{first.json()['card']['id']}/confirm",
        json={"version": 2},
        headers=api.headers("canbo1"),
    )
    assert settled.status_code == 422 and "không chờ rà soát" in settled.json()["message"]
    missing = api.client.post("/api/review/999/confirm", json=body, headers=api.headers("canbo1"))
    assert missing.status_code == 404


def test_history_shows_what_each_version_said_and_who_changed_it(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    corrected = api.client.post(
        f"/api/review/{result_id}",
        json={
            "version": 1,
            "fields": {"full_name": "Nguyễn Văn Đức", "registration_number": "125/2024"},
        },
        headers=api.headers("canbo1"),
    ).json()
    new_id = corrected["card"]["id"]
    response = api.client.get(f"/api/review/{new_id}/history", headers=api.headers("lanhdao"))
    assert response.status_code == 200, response.text
    history = response.json()
    versions = [
        (v["version"], v["kind"], v["by_label"], v["is_current"]) for v in history["versions"]
    ]
    assert versions == [
        (1, "machine", "Máy đọc (OCR)", False),
        (2, "correction", "canbo1", True),
    ]
    assert history["versions"][1]["at"] is not None
    fields = {f["name"]: f for f in history["fields"]}
    assert [(c["version"], c["value"], c["by_label"]) for c in fields["full_name"]["changes"]] == [
        (1, "NGUYEN VAN DUC", "Máy đọc (OCR)"),
        (2, "NGUYỄN VĂN ĐỨC", "canbo1"),
    ]
    assert [(c["version"], c["value"]) for c in fields["registration_number"]["changes"]] == [
        (2, "125/2024")  # missing in v1, added by the reviewer
    ]
    assert [c["version"] for c in fields["sex"]["changes"]] == [1]  # never changed
    assert fields["full_name"]["label"] == "Họ và tên"
    assert list(fields)[:2] == ["registration_number", "full_name"]  # the paper's order
    # The same history reached from the old version's number.
    old = api.client.get(f"/api/review/{result_id}/history", headers=api.headers("canbo1"))
    assert [v["version"] for v in old.json()["versions"]] == [1, 2]


def test_history_is_the_units_own_and_audited_as_part_of_an_opening(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    refused = api.client.get(f"/api/review/{result_id}/history", headers=api.headers("canbo2"))
    assert refused.status_code == 403
    assert (
        api.client.get("/api/review/999/history", headers=api.headers("canbo1")).status_code == 404
    )
    headers = api.headers("canbo1")
    assert api.client.get(f"/api/review/{result_id}/history", headers=headers).is_success
    assert api.client.get(f"/api/results/{result_id}/pages", headers=headers).is_success
    assert api.client.get(f"/api/review/{result_id}/history", headers=headers).is_success
    with api.index.session() as session:
        entries = read_audit(session, action="view_document")
    # The history on its own is an opening; the viewer opened is one; the history read again
    # right after belongs to it.
    assert [(e.username, e.query, e.detail) for e in reversed(entries)] == [
        ("canbo1", f"result={result_id}", "lịch sử sửa / history"),
        ("canbo1", f"result={result_id}", ""),
    ]
    assert entries[0].citizen_hash  # the citizen, hashed


def test_invalid_corrections_name_the_field_as_staff_know_it(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    for fields, label in (
        ({"date_of_birth": "2024-02-30"}, "Ngày sinh"),
        ({"mother_birth_year": "x", "id_number": "123"}, "Số định danh"),
        ({"registration_date": "31/02/2024"}, "Ngày đăng ký"),
    ):
        response = api.client.post(
            f"/api/review/{result_id}",
            json={"version": 1, "fields": fields},
            headers=api.headers("canbo1"),
        )
        assert response.status_code == 422, fields
        message = response.json()["message"]
        assert label in message and not any(name in message for name in fields), message
