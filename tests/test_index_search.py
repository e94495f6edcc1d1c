"""Scoped search, users and audit on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sohoa.api.requests import AttachRequest, IdNumberSearch, NameSearch
from sohoa.api.reuse_service import ReuseDesk
from storage.index.audit import citizen_hash, read_audit
from storage.index.db import Index
from storage.index.search import (
    search_by_document_number,
    search_by_id_number,
    search_by_name_and_birth,
)
from storage.index.users import Role, authenticate, create_user
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import BIRTH, CITIZEN_ID, DOSSIER, OTHER_UNIT, UNIT, seed_result


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'index.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = Index(url)
    opened.create_schema()
    yield opened
    opened.dispose()


def test_scoped_search_on_both_databases(index: Index, tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    own = seed_result(index, store, BIRTH)
    theirs = seed_result(index, store, BIRTH, unit_code=OTHER_UNIT, tag="other")
    shared = seed_result(index, store, BIRTH, unit_code=OTHER_UNIT, shared=True, tag="shared")
    with index.session() as session:
        assert [r.id for r in search_by_id_number(session, CITIZEN_ID, UNIT)] == [shared, own]
        everything = search_by_id_number(session, CITIZEN_ID, None)
        assert [r.id for r in everything] == [shared, theirs, own]
        near = search_by_name_and_birth(session, "nguyen van duk", date(2024, 3, 12), UNIT)
        assert [r.id for r in near] == [shared, own]
        assert [r.id for r in search_by_document_number(session, "125/2024", OTHER_UNIT)] == [
            shared,
            theirs,
        ]


def test_users_and_audited_reuse_on_both_databases(index: Index, tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    result_id = seed_result(index, store, BIRTH)
    with index.session() as session:
        create_user(session, "canbo1", "mat-khau-123", Role.STAFF, UNIT)
    with index.session() as session:
        staff = authenticate(session, "CanBo1", "mat-khau-123")
        assert authenticate(session, "canbo1", "sai") is None
    assert staff is not None and staff.role is Role.STAFF
    desk = ReuseDesk(index, "secret", today=lambda: date(2024, 3, 15))
    assert [c.id for c in desk.search(staff, IdNumberSearch(id_number=CITIZEN_ID))] == [result_id]
    by_name = NameSearch.model_validate({"name": "Nguyễn Văn Đức", "date_of_birth": "2024-03-12"})
    assert len(desk.search(staff, by_name)) == 1
    request = AttachRequest(result_id=result_id, dossier_code=DOSSIER, component="Giấy khai sinh")
    assert desk.attach(staff, request).reused_count == 1
    with index.session() as session:
        entries = read_audit(session, unit_code=UNIT)
    assert [e.action for e in entries] == ["attach", "search", "search"]
    assert {e.citizen_hash for e in entries} == {citizen_hash("secret", CITIZEN_ID)}
