"""The index on SQLite and on the real PostgreSQL: scans, versions, search, reuse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from schemas.dossiers import ComponentStatus, DossierContext
from schemas.errors import ReuseNotAllowed
from storage.index.db import Index
from storage.index.results import (
    find_by_document_number,
    find_by_id_number,
    find_by_name_and_birth,
    save_version,
)
from storage.index.reuse import attach_result, detach_result
from storage.index.scans import register_scan
from storage.index.tables import DossierComponent, Result, ReuseEvent

SHA = "a" * 64


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


def _result(index: Index, fields: dict[str, str], sha: str = SHA, version: int = 1) -> int:
    with index.session() as session:
        scan, _ = register_scan(
            session, sha256=sha, filename="a.pdf", size_bytes=1, original_key=f"originals/{sha}"
        )
        row = save_version(
            session,
            Result(
                scan_id=scan.id,
                version=version,
                doc_type="birth_certificate",
                fields=fields,
                derived_prefix=f"derived/{sha}/v{version}",
            ),
        )
        return row.id


BIRTH = {
    "full_name": "NGUYỄN VĂN ĐỨC",
    "date_of_birth": "2024-03-12",
    "id_number": "001224012345",
    "registration_number": "125/2024",
    "mother_name": "TRẦN THỊ BÌNH",
}


def test_register_scan_is_idempotent_by_hash(index: Index) -> None:
    with index.session() as session:
        first, created = register_scan(
            session, sha256=SHA, filename="a.pdf", size_bytes=1, original_key="k"
        )
        again, created_again = register_scan(
            session, sha256=SHA, filename="b.pdf", size_bytes=1, original_key="k"
        )
    assert created and not created_again
    assert first.id == again.id


def test_search_by_id_name_and_document_number(index: Index) -> None:
    result_id = _result(index, BIRTH)
    with index.session() as session:
        assert [r.id for r in find_by_id_number(session, "001224012345")] == [result_id]
        by_name = find_by_name_and_birth(session, "nguyen van duc", date(2024, 3, 12))
        assert [r.id for r in by_name] == [result_id]
        assert find_by_name_and_birth(session, "nguyen van duc", date(2024, 3, 13)) == []
        assert [r.id for r in find_by_document_number(session, "125/2024")] == [result_id]
        assert find_by_id_number(session, "001224012346") == []
        record = find_by_id_number(session, "001224012345")[0]
    assert record.owner_name == "NGUYỄN VĂN ĐỨC"
    assert record.owner_date_of_birth == date(2024, 3, 12)


def test_land_holders_and_business_owners_are_found_by_id_number(index: Index) -> None:
    land = {
        "holder_name": "TRẦN VĂN NAM",
        "holder_id_number": "001066012345",
        "co_holder_name": "NGUYỄN THỊ HOA",
        "co_holder_id_number": "001170054321",
        "certificate_serial": "BĐ 123456",
    }
    land_id = _result(index, land)
    shop_id = _result(
        index, {"owner_name": "LÊ VĂN AN", "owner_id_number": "001090011111"}, "b" * 64
    )
    with index.session() as session:
        assert [r.id for r in find_by_id_number(session, "001170054321")] == [land_id]
        assert [r.id for r in find_by_id_number(session, "001090011111")] == [shop_id]
        assert [r.id for r in find_by_document_number(session, "BĐ 123456")] == [land_id]
        record = find_by_id_number(session, "001066012345")[0]
    assert record.owner_name == "TRẦN VĂN NAM"  # the first holder is the record's owner


def test_new_version_replaces_old_in_search(index: Index) -> None:
    _result(index, BIRTH)
    corrected = {**BIRTH, "id_number": "001224099999"}
    new_id = _result(index, corrected, version=2)
    with index.session() as session:
        assert find_by_id_number(session, "001224012345") == []
        assert [r.id for r in find_by_id_number(session, "001224099999")] == [new_id]
        versions = session.query(Result).filter(Result.scan_id == 1).count()
    assert versions == 2


def test_attach_records_reuse_and_detach_keeps_history(index: Index) -> None:
    result_id = _result(index, BIRTH)
    context = DossierContext(dossier_code="000.00.20.H12-240315-0007", component="Giấy khai sinh")
    with index.session() as session:
        event = attach_result(session, result_id, context, "canbo1")
        component = session.get(DossierComponent, event.component_id)
        assert component is not None
        assert component.status == ComponentStatus.REUSED_COMPONENT.value
        detach_result(session, event.component_id, "canbo1")
        actions = [e.action for e in session.query(ReuseEvent).order_by(ReuseEvent.id)]
        assert actions == ["attach", "detach"]
        assert session.get(DossierComponent, event.component_id).status == "not_digitized"  # type: ignore[union-attr]


def test_expired_result_cannot_be_attached(index: Index) -> None:
    card = {"full_name": "LÊ VĂN A", "id_number": "001090004567", "expiry_date": "2020-01-01"}
    result_id = _result(index, card, sha="b" * 64)
    context = DossierContext(dossier_code="H12-240315-0008")
    with index.session() as session, pytest.raises(ReuseNotAllowed):
        attach_result(session, result_id, context, "canbo1", today=date(2024, 3, 15))


def test_a_result_awaiting_review_cannot_be_attached_until_confirmed(index: Index) -> None:
    result_id = _result(index, BIRTH)
    context = DossierContext(dossier_code="000.00.20.H12-240315-0009", component="Giấy khai sinh")
    with index.session() as session:
        session.get(Result, result_id).needs_review = True  # type: ignore[union-attr]
    with pytest.raises(ReuseNotAllowed) as refused, index.session() as session:
        attach_result(session, result_id, context, "canbo1")
    assert "chờ rà soát" in refused.value.staff_message()
    with index.session() as session:
        session.get(Result, result_id).needs_review = False  # type: ignore[union-attr]
    with index.session() as session:
        assert attach_result(session, result_id, context, "canbo1").action == "attach"
