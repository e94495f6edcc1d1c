"""The audit log: supervisors see their unit's staff, admins everyone, staff nothing."""

from __future__ import annotations

import logging

import pytest

from sohoa.api.logmask import MaskIdNumbers
from tests.api_fixtures import BIRTH, CITIZEN_ID, ApiEnv, api_fixture  # noqa: F401


def _search(api: ApiEnv, user: str) -> None:
    response = api.client.post(
        "/api/search/id-number", json={"id_number": CITIZEN_ID}, headers=api.headers(user)
    )
    assert response.status_code == 200


def test_staff_cannot_read_the_audit_log(api: ApiEnv) -> None:
    response = api.client.get("/api/audit", headers=api.headers("canbo1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    citizen = api.client.post(
        "/api/audit/citizen", json={"id_number": CITIZEN_ID}, headers=api.headers("canbo1")
    )
    assert citizen.status_code == 403


def test_supervisor_sees_own_units_staff_and_admin_sees_all(api: ApiEnv) -> None:
    api.seed(BIRTH)
    _search(api, "canbo1")
    _search(api, "canbo2")
    seen = api.client.get("/api/audit", headers=api.headers("lanhdao"))
    assert seen.status_code == 200
    entries = seen.json()
    assert [e["username"] for e in entries] == ["canbo1"]
    assert entries[0]["action"] == "search"
    assert entries[0]["query"] == "id_number=*********345"
    assert len(entries[0]["citizen_hash"]) == 64 and entries[0]["at"]
    everyone = api.client.get("/api/audit?action=search", headers=api.headers("quantri")).json()
    assert sorted(e["username"] for e in everyone) == ["canbo1", "canbo2"]
    only = api.client.get("/api/audit?username=canbo2", headers=api.headers("quantri")).json()
    assert [e["username"] for e in only] == ["canbo2"]


def test_citizen_lookup_matches_by_keyed_hash(api: ApiEnv) -> None:
    _search(api, "canbo1")
    _search(api, "canbo2")
    response = api.client.post(
        "/api/audit/citizen", json={"id_number": CITIZEN_ID}, headers=api.headers("quantri")
    )
    assert sorted(e["username"] for e in response.json()) == ["canbo1", "canbo2"]
    other = api.client.post(
        "/api/audit/citizen", json={"id_number": "001224099999"}, headers=api.headers("quantri")
    )
    assert other.json() == []
    bad = api.client.post(
        "/api/audit/citizen", json={"id_number": "123"}, headers=api.headers("quantri")
    )
    assert bad.status_code == 422


def test_bad_paging_is_422(api: ApiEnv) -> None:
    response = api.client.get("/api/audit?limit=0", headers=api.headers("quantri"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "limit"


def test_log_filter_masks_id_numbers_in_any_line() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "GET /x?id=%s %s", (CITIZEN_ID, 200), None
    )
    assert MaskIdNumbers().filter(record)
    assert record.getMessage() == "GET /x?id=*********345 200"


def test_log_filter_keeps_uvicorn_access_arguments_usable() -> None:
    from uvicorn.logging import AccessFormatter

    args = ("127.0.0.1:5000", "GET", f"/?q={CITIZEN_ID}", "1.1", 200)
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None
    )
    MaskIdNumbers().filter(record)
    line = AccessFormatter(use_colors=False).format(record)
    assert "/?q=*********345" in line and CITIZEN_ID not in line


def test_a_document_search_for_a_grouped_id_number_is_audited_masked(api: ApiEnv) -> None:
    """People type an ID number into the document box with spaces, dashes or dots."""
    spaced = " ".join((CITIZEN_ID[:3], CITIZEN_ID[3:6], CITIZEN_ID[6:9], CITIZEN_ID[9:]))
    for typed in (spaced, spaced.replace(" ", "-"), spaced.replace(" ", ".")):
        response = api.client.post(
            "/api/search/document", json={"document_number": typed}, headers=api.headers("canbo1")
        )
        assert response.status_code == 200
    entries = api.client.get("/api/audit", headers=api.headers("quantri")).json()
    queries = [e["query"] for e in entries]
    assert len(queries) == 3
    assert all(CITIZEN_ID[3:6] not in q and "*********345" in q for q in queries), queries


def test_every_command_masks_id_numbers_in_its_log(caplog: pytest.LogCaptureFixture) -> None:
    """The watcher's and the worker's lines too, not only serve's."""
    from sohoa.cli import main

    with caplog.at_level(logging.WARNING):
        main(verbose=False)
        logging.getLogger("workers.watcher").warning("took CCCD_%s.jpg", CITIZEN_ID)
    assert CITIZEN_ID not in caplog.text and "CCCD_*********345.jpg" in caplog.text
