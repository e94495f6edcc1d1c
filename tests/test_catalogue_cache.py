"""The catalogue in use is parsed once per process and version, and never served stale: after an
import — through the API, or by another process (another Index on the same database) — the
next reception uses the new version."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from schemas.settings import Settings
from sohoa.procedure_catalogue import SHIPPED_VERSION, catalogue_in_use, import_catalogue_file
from storage.index.db import Index
from tests.api_fixtures import UNIT, ApiEnv, api_fixture  # noqa: F401

PROCEDURE = "1.000894"
DOSSIERS = [f"{UNIT}-240315-{n:04d}" for n in range(1, 4)]
HEADER = "ma_tthc;ten_tthc;linh_vuc;thanh_phan;loai_giay_to\n"


def _csv(name: str, component: str) -> bytes:
    return f"{HEADER}{PROCEDURE};{name};Hộ tịch;{component};id_card\n".encode()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Every test here on both engines (the ``api`` fixture opens the index at this URL)."""
    if request.param == "postgresql":
        settings.index.url = str(request.getfixturevalue("postgres_url"))
    return settings


def _receive(api: ApiEnv, dossier: str) -> dict[str, Any]:
    answer = api.client.post(
        "/api/dossiers",
        json={"dossier_code": dossier, "procedure_code": PROCEDURE, "channel": 1},
        headers=api.headers("canbo1"),
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _import_elsewhere(url: str, name: str, component: str) -> int:
    """An import by another server process: its own engine, committed before returning."""
    other = Index(url)
    try:
        with other.session() as session:
            outcome = import_catalogue_file(session, "t.csv", _csv(name, component), by="quantri")
    finally:
        other.dispose()
    assert outcome.created
    return outcome.version


def test_an_api_import_is_used_by_the_next_reception(api: ApiEnv) -> None:
    before = _receive(api, DOSSIERS[0])
    assert before["procedure"]["catalogue_version"] == SHIPPED_VERSION
    done = api.client.post(
        "/api/catalogue",
        params={"filename": "t.csv"},
        content=_csv("Kết hôn (mới)", "Căn cước hai bên"),
        headers=api.headers("quantri"),
    )
    assert done.status_code == 200, done.text
    after = _receive(api, DOSSIERS[1])
    assert after["procedure"]["name"] == "Kết hôn (mới)"
    assert after["procedure"]["catalogue_version"] == done.json()["version"]
    assert [c["name"] for c in after["components"]] == ["Căn cước hai bên"]


def test_an_import_by_another_process_is_used_by_the_next_reception(
    api: ApiEnv, settings: Settings
) -> None:
    assert _receive(api, DOSSIERS[0])["procedure"]["catalogue_version"] == SHIPPED_VERSION
    first = _import_elsewhere(settings.index.url, "Kết hôn A", "Thành phần A")
    seen = _receive(api, DOSSIERS[1])
    assert seen["procedure"]["catalogue_version"] == first
    assert [c["name"] for c in seen["components"]] == ["Thành phần A"]
    # From one imported version to the next too (this process has the first one parsed now).
    second = _import_elsewhere(settings.index.url, "Kết hôn B", "Thành phần B")
    seen = _receive(api, DOSSIERS[2])
    assert (seen["procedure"]["catalogue_version"], seen["procedure"]["name"]) == (
        second,
        "Kết hôn B",
    )
    assert [c["name"] for c in seen["components"]] == ["Thành phần B"]


def test_a_version_is_parsed_once_and_then_costs_one_query(settings: Settings) -> None:
    index = Index(settings.index.url)
    index.create_schema()
    try:
        with index.session() as session:
            import_catalogue_file(session, "t.csv", _csv("Kết hôn", "CCCD"), by="quantri")
        with index.session() as session:
            first = catalogue_in_use(session)
        statements: list[str] = []
        event.listen(index.engine, "before_cursor_execute", _recorder(statements))
        with index.session() as session:
            again = catalogue_in_use(session)
        assert again.catalogue is first.catalogue and again.version == first.version
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    finally:
        index.dispose()


def test_a_version_number_reused_after_a_rollback_is_read_again(settings: Settings) -> None:
    """SQLite can hand a rolled-back version's number out again: the content digest tells."""
    index = Index(settings.index.url)
    index.create_schema()
    try:
        with pytest.raises(RuntimeError), index.session() as session:
            import_catalogue_file(session, "a.csv", _csv("Tên A", "CCCD"), by="quantri")
            assert catalogue_in_use(session).catalogue.procedures[0].name == "Tên A"
            raise RuntimeError("the request failed after the import")
        with index.session() as session:
            assert catalogue_in_use(session).version == SHIPPED_VERSION
            import_catalogue_file(session, "b.csv", _csv("Tên B", "CCCD"), by="quantri")
        with index.session() as session:
            assert catalogue_in_use(session).catalogue.procedures[0].name == "Tên B"
    finally:
        index.dispose()


def _recorder(statements: list[str]) -> Any:
    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    return record
