"""Search by ID number, name + birth date (accents optional, one typo) and document number."""

from __future__ import annotations

import logging

import pytest

from storage.index.audit import citizen_hash, read_audit
from storage.index.search import within_one_edit
from tests.api_fixtures import (  # noqa: F401 - api_fixture is the "api" fixture
    BIRTH,
    CITIZEN_ID,
    EXPIRED_CARD,
    OTHER_UNIT,
    ApiEnv,
    api_fixture,
)


def _search(api: ApiEnv, mode: str, body: dict[str, str], user: str = "canbo1") -> dict:
    response = api.client.post(f"/api/search/{mode}", json=body, headers=api.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def test_search_by_id_number_returns_the_card(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    body = _search(api, "id-number", {"id_number": "0012 2401 2345"})
    assert body["count"] == 1
    card = body["results"][0]
    assert card["id"] == result_id
    assert card["doc_type"] == "birth_certificate"
    assert card["doc_type_label"] == "Giấy khai sinh"
    assert card["owner_name"] == "NGUYỄN VĂN ĐỨC"
    assert card["owner_id_number"] == CITIZEN_ID
    assert card["document_number"] == "125/2024"
    assert card["attachable"] is True and card["expired"] is False
    assert card["digitized_at"]
    assert card["thumbnail_url"] == f"/api/results/{result_id}/thumbnail"
    assert card["original_url"] == f"/api/results/{result_id}/original"
    labels = {f["label"]: f["value"] for f in card["key_fields"]}
    assert labels["Số đăng ký"] == "125/2024"
    assert labels["Họ tên mẹ"] == "TRẦN THỊ BÌNH"


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn Đức",
        "nguyen van duc",
        "NGUYEN  VAN DUC",
        "Nguyen Van Duk",  # one substitution
        "Nguyen Vn Duc",  # one deletion
        "Nguyen Vann Duc",  # one insertion
    ],
)
def test_name_search_is_accent_insensitive_and_forgives_one_typo(api: ApiEnv, name: str) -> None:
    result_id = api.seed(BIRTH)
    body = _search(api, "name", {"name": name, "date_of_birth": "12/03/2024"})
    assert [card["id"] for card in body["results"]] == [result_id]


def test_name_search_needs_the_same_birth_date_and_at_most_one_typo(api: ApiEnv) -> None:
    api.seed(BIRTH)
    wrong_day = _search(api, "name", {"name": "Nguyen Van Duc", "date_of_birth": "2024-03-13"})
    two_typos = _search(api, "name", {"name": "Nguyen Vam Duk", "date_of_birth": "2024-03-12"})
    assert wrong_day["count"] == 0 and two_typos["count"] == 0


def test_exact_name_ranks_before_near_names(api: ApiEnv) -> None:
    near = api.seed({**BIRTH, "full_name": "NGUYỄN VĂN ĐỨT", "id_number": "001224099999"})
    exact = api.seed(BIRTH)
    body = _search(api, "name", {"name": "Nguyen Van Duc", "date_of_birth": "2024-03-12"})
    assert [card["id"] for card in body["results"]] == [exact, near]


def test_within_one_edit() -> None:
    assert within_one_edit("duc", "duc") and within_one_edit("duc", "duk")
    assert within_one_edit("duc", "du") and within_one_edit("du", "duc")
    assert not within_one_edit("duc", "dk") and not within_one_edit("abc", "cab")


def test_search_by_document_number(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    body = _search(api, "document", {"document_number": " 125/2024 "})
    assert [card["id"] for card in body["results"]] == [result_id]


def test_expired_result_is_shown_but_not_attachable(api: ApiEnv) -> None:
    api.seed(EXPIRED_CARD, doc_type="id_card")
    card = _search(api, "id-number", {"id_number": "001090004567"})["results"][0]
    assert card["expired"] is True and card["attachable"] is False
    assert card["not_attachable_reason"] == "Hết hiệu lực từ 01/01/2020"
    assert card["doc_type_label"] == "Căn cước / CCCD / CMND"


def test_other_units_results_are_filtered_unless_shared(api: ApiEnv) -> None:
    own = api.seed(BIRTH)
    theirs = api.seed(BIRTH, unit_code=OTHER_UNIT, tag="other")
    shared = api.seed(BIRTH, unit_code=OTHER_UNIT, shared=True, tag="shared")
    query = {"id_number": CITIZEN_ID}
    seen_by_h12 = {c["id"] for c in _search(api, "id-number", query)["results"]}
    seen_by_h13 = {c["id"] for c in _search(api, "id-number", query, "canbo2")["results"]}
    seen_by_admin = {c["id"] for c in _search(api, "id-number", query, "quantri")["results"]}
    assert seen_by_h12 == {own, shared}
    assert seen_by_h13 == {theirs, shared}
    assert seen_by_admin == {own, theirs, shared}


@pytest.mark.parametrize(
    ("mode", "body", "field", "phrase"),
    [
        ("id-number", {"id_number": "00122401234"}, "id_number", "12 chữ số"),
        ("id-number", {"id_number": "00122401234X"}, "id_number", "12 chữ số"),
        ("id-number", {}, "id_number", "thiếu trường bắt buộc"),
        (
            "name",
            {"name": "Nguyen Van Duc", "date_of_birth": "31/02/2024"},
            "date_of_birth",
            "YYYY-MM-DD",
        ),
        ("name", {"name": "X1", "date_of_birth": "2024-03-12"}, "name", "Họ tên"),
        ("document", {"document_number": "   "}, "document_number", "Số giấy tờ"),
    ],
)
def test_bad_search_input_is_422_with_a_clear_message(
    api: ApiEnv, mode: str, body: dict[str, str], field: str, phrase: str
) -> None:
    response = api.client.post(f"/api/search/{mode}", json=body, headers=api.headers("canbo1"))
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid_request"
    assert [error["field"] for error in answer["errors"]] == [field]
    assert phrase in answer["message"]


def test_every_search_is_audited_without_the_full_id_number(api: ApiEnv) -> None:
    api.seed(BIRTH)
    _search(api, "id-number", {"id_number": CITIZEN_ID})
    _search(api, "name", {"name": "Nguyen Van Duc", "date_of_birth": "2024-03-12"})
    _search(api, "document", {"document_number": "nothing"})
    with api.index.session() as session:
        entries = read_audit(session, action="search")
    assert [e.username for e in entries] == ["canbo1"] * 3
    expected = citizen_hash(api.settings.api.secret_key, CITIZEN_ID)
    by_id, by_name, by_document = reversed(entries)
    assert by_id.citizen_hash == expected and by_name.citizen_hash == expected
    assert by_document.citizen_hash == "" and by_document.detail == "0 kết quả"
    assert by_id.query == "id_number=*********345"
    assert all(CITIZEN_ID not in f"{e.query} {e.detail}" for e in entries)


def test_logs_never_contain_the_full_id_number(
    api: ApiEnv, caplog: pytest.LogCaptureFixture
) -> None:
    api.seed(BIRTH)
    with caplog.at_level(logging.DEBUG):
        _search(api, "id-number", {"id_number": CITIZEN_ID})
        api.client.post(
            "/api/search/id-number",
            json={"id_number": "00122401234"},
            headers=api.headers("canbo1"),
        )
    assert "*********345" in caplog.text
    assert CITIZEN_ID not in caplog.text
    assert "00122401234" not in caplog.text


def test_an_invalid_request_names_its_fields_as_staff_call_them(api: ApiEnv) -> None:
    answer = api.client.post(
        "/api/search/name", json={"date_of_birth": "không rõ"}, headers=api.headers("canbo1")
    ).json()
    assert {error["field"] for error in answer["errors"]} == {"name", "date_of_birth"}
    assert "Họ tên:" in answer["message"] and "Ngày sinh:" in answer["message"]
    assert "date_of_birth" not in answer["message"] and "name:" not in answer["message"]
