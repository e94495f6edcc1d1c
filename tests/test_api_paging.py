"""Paging with a total: search results, the review queue and the audit log go past their first
page; and the page's forms never show a raw field name in an error."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from sohoa.api.labels import FIELD_LABELS_VI, REQUEST_LABELS_VI
from sohoa.api.requests import (
    AttachRequest,
    CorrectionRequest,
    DocumentSearch,
    IdNumberSearch,
    LoginRequest,
    NameSearch,
    ReceptionRequest,
)
from tests.api_fixtures import (  # noqa: F401 - api_fixture is the "api" fixture
    BIRTH,
    CITIZEN_ID,
    ApiEnv,
    api_fixture,
)


def _seed_many(api: ApiEnv, count: int, **options: object) -> list[int]:
    return [api.seed(BIRTH, tag=f"p{n}", **options) for n in range(count)]


def test_search_pages_through_every_match_with_the_total(api: ApiEnv) -> None:
    ids = _seed_many(api, 5)
    newest_first = sorted(ids, reverse=True)
    seen: list[int] = []
    for offset in (0, 2, 4):
        response = api.client.post(
            f"/api/search/id-number?offset={offset}&limit=2",
            json={"id_number": CITIZEN_ID},
            headers=api.headers("canbo1"),
        )
        body = response.json()
        assert body["total"] == 5 and body["offset"] == offset
        assert body["count"] == len(body["results"]) == min(2, 5 - offset)
        seen += [card["id"] for card in body["results"]]
    assert seen == newest_first
    past = api.client.post(
        "/api/search/name?offset=10",
        json={"name": "Nguyen Van Duc", "date_of_birth": "2024-03-12"},
        headers=api.headers("canbo1"),
    ).json()
    assert past["total"] == 5 and past["results"] == []
    # Without paging parameters the answer is what it always was: everything, up to 200.
    everything = api.client.post(
        "/api/search/document", json={"document_number": "125/2024"}, headers=api.headers("canbo1")
    ).json()
    assert everything["count"] == everything["total"] == 5


def test_name_search_pages_keep_exact_names_first(api: ApiEnv) -> None:
    exact = api.seed(BIRTH, tag="exact")
    typo = api.seed({**BIRTH, "full_name": "NGUYỄN VĂN ĐỨK"}, tag="typo")
    pages = [
        api.client.post(
            f"/api/search/name?offset={offset}&limit=1",
            json={"name": "Nguyễn Văn Đức", "date_of_birth": "12/03/2024"},
            headers=api.headers("canbo1"),
        ).json()
        for offset in (0, 1)
    ]
    assert [p["results"][0]["id"] for p in pages] == [exact, typo]
    assert typo > exact  # newer, yet after the exact name


def test_search_paging_is_validated_in_vietnamese(api: ApiEnv) -> None:
    response = api.client.post(
        "/api/search/id-number?limit=0&offset=-1",
        json={"id_number": CITIZEN_ID},
        headers=api.headers("canbo1"),
    )
    assert response.status_code == 422
    message = response.json()["message"]
    assert "Số dòng" in message and "Vị trí bắt đầu" in message
    assert "limit" not in message and "offset" not in message


def test_review_queue_pages_with_the_total_in_a_header(api: ApiEnv) -> None:
    ids = _seed_many(api, 3, needs_review=True)
    first = api.client.get("/api/review?limit=2", headers=api.headers("canbo1"))
    assert first.headers["X-Total-Count"] == "3"
    assert [item["card"]["id"] for item in first.json()] == ids[:2]  # oldest first
    rest = api.client.get("/api/review?limit=2&offset=2", headers=api.headers("canbo1"))
    assert [item["card"]["id"] for item in rest.json()] == ids[2:]
    assert rest.headers["X-Total-Count"] == "3"
    other = api.client.get("/api/review", headers=api.headers("canbo2"))
    assert other.json() == [] and other.headers["X-Total-Count"] == "0"


def test_audit_log_pages_with_the_total_in_a_header(api: ApiEnv) -> None:
    for _ in range(5):
        api.client.post(
            "/api/search/id-number", json={"id_number": CITIZEN_ID}, headers=api.headers("canbo1")
        )
    first = api.client.get("/api/audit?action=search&limit=2", headers=api.headers("lanhdao"))
    assert first.status_code == 200 and len(first.json()) == 2
    assert first.headers["X-Total-Count"] == "5"
    last = api.client.get(
        "/api/audit?action=search&limit=2&offset=4", headers=api.headers("lanhdao")
    )
    assert len(last.json()) == 1
    assert {e["id"] for e in first.json()}.isdisjoint(e["id"] for e in last.json())
    other_unit = api.client.get("/api/audit?action=search", headers=api.headers("quantri"))
    assert other_unit.headers["X-Total-Count"] == "5"


PAGE_FORMS: list[type[BaseModel]] = [
    LoginRequest,
    IdNumberSearch,
    NameSearch,
    DocumentSearch,
    AttachRequest,
    CorrectionRequest,
    ReceptionRequest,
]
PAGE_QUERIES = ["/api/scans", "/api/uploads", "/api/audit", "/api/review", "/api/search/name"]


@pytest.mark.parametrize("model", PAGE_FORMS, ids=lambda m: m.__name__)
def test_every_field_of_the_pages_forms_has_a_vietnamese_label(model: type[BaseModel]) -> None:
    labels = FIELD_LABELS_VI | REQUEST_LABELS_VI
    assert [name for name in model.model_fields if name not in labels] == []


def test_every_query_parameter_the_page_sends_has_a_vietnamese_label(api: ApiEnv) -> None:
    spec = api.client.get("/api/openapi.json").json()
    labels = FIELD_LABELS_VI | REQUEST_LABELS_VI
    for path in PAGE_QUERIES:
        for operation in spec["paths"][path].values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert parameter["name"] in labels, (path, parameter["name"])
