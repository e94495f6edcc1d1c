"""Service accounts: another system reads its unit's results with an API key, every call audited,
the key refused once revoked; only admins manage accounts (API and CLI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from schemas.settings import Settings
from sohoa.cli import app
from storage.index.audit import read_audit
from storage.index.db import Index
from storage.index.service_accounts import (
    ServiceAccount,
    authenticate_key,
    create_service_account,
    list_accounts,
)
from storage.index.tables import Result
from storage.index.users import Role
from tests.api_fixtures import (  # noqa: F401
    BIRTH,
    CITIZEN_ID,
    DOSSIER,
    OTHER_UNIT,
    UNIT,
    ApiEnv,
    api_fixture,
)

NAME = "motcua-tinh"
REGISTERED = {**BIRTH, "registration_date": "2024-03-14"}
runner = CliRunner()


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The conftest's settings; on PostgreSQL when a test asks for it (indirect parameter)."""
    configured = Settings.rooted_at(tmp_path / "data")
    if getattr(request, "param", "sqlite") == "postgres":
        configured.index.url = str(request.getfixturevalue("postgres_url"))
    return configured


def _create(api: ApiEnv, name: str = NAME, unit_code: str = UNIT) -> str:
    """An account made by the admin over the API; its key."""
    created = api.client.post(
        "/api/service-accounts",
        json={"name": name, "unit_code": unit_code},
        headers=api.headers("quantri"),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["account"]["username"] == f"svc:{name}" and body["account"]["active"] is True
    assert "một lần" in body["warning"]
    key: str = body["api_key"]
    assert key.startswith("sohoa_" + body["account"]["key_id"] + "_")
    return key


def _key(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@pytest.mark.parametrize(
    "settings", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_key_exports_its_units_result_as_stored_and_every_call_is_audited(
    api: ApiEnv,
) -> None:
    result_id = api.seed(REGISTERED)
    key = _create(api)
    path = f"/api/results/{result_id}/export"
    # The ID number in the query string must not reach the audit trail.
    answer = api.client.get(path, params={"id_number": CITIZEN_ID}, headers=_key(key))
    assert answer.status_code == 200, answer.text
    exported = answer.json()
    with api.index.session() as session:
        row = session.get(Result, result_id)
        assert row is not None
        stored = {
            "doc_type": row.doc_type,
            "owner_name": row.owner_name,
            "owner_id_number": row.owner_id_number,
            "owner_date_of_birth": row.owner_date_of_birth,
            "document_number": row.document_number,
            "issue_date": row.issue_date,
            "valid_until": row.valid_until,
            "unit_code": row.unit_code,
            "fields": dict(row.fields),
        }
        last_used = session.scalars(
            select(ServiceAccount.last_used_at).where(ServiceAccount.name == NAME)
        ).one()
    dates = ("owner_date_of_birth", "issue_date", "valid_until")
    assert {
        "doc_type": exported["doc_type"],
        "owner_name": exported["owner_name"],
        "owner_id_number": exported["owner_id_number"],
        "owner_date_of_birth": exported["owner_date_of_birth"],
        "document_number": exported["document_number"],
        "issue_date": exported["issue_date"],
        "valid_until": exported["valid_until"],
        "unit_code": exported["unit_code"],
        "fields": {f["name"]: f["value"] for f in exported["fields"]},
    } == {**stored, **{name: _iso(stored[name]) for name in dates}}
    assert stored["issue_date"] == date(2024, 3, 14) and stored["unit_code"] == UNIT
    assert last_used is not None

    # The same key as the bearer works too.
    bearer = api.client.get(path, headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 200, bearer.text

    with api.index.session() as session:
        calls = read_audit(session, username=f"svc:{NAME}", action="service_call")
        exports = read_audit(session, username=f"svc:{NAME}", action="export")
        [created] = read_audit(session, action="service_account_create")
    assert [entry.query for entry in calls] == [f"GET {path}", f"GET {path}"]
    assert len(exports) == 2 and exports[0].citizen_hash  # the citizen, as a keyed hash only
    assert all(CITIZEN_ID not in entry.query + entry.detail for entry in calls + exports)
    assert created.username == "quantri" and f"svc:{NAME}" in created.detail

    # The unit's supervisor sees what the other system did in the unit's name.
    seen = api.client.get(
        "/api/audit", params={"action": "service_call"}, headers=api.headers("lanhdao")
    )
    assert seen.status_code == 200 and len(seen.json()) == 2


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def test_a_revoked_or_made_up_key_is_refused(api: ApiEnv) -> None:
    result_id = api.seed(REGISTERED)
    key = _create(api)
    path = f"/api/results/{result_id}/export"
    assert api.client.get(path, headers=_key(key)).status_code == 200
    revoked = api.client.post(
        f"/api/service-accounts/{NAME}/revoke", headers=api.headers("quantri")
    )
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    refused = api.client.get(path, headers=_key(key))
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert api.client.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 401
    key_id = key.split("_")[1]
    for made_up in (
        "sohoa_0123456789abcdef_" + "x" * 43,  # well formed, no such account
        f"sohoa_{key_id}_wrong-secret",  # a real key id with the wrong secret
        "sohoa_short",
        "sohoa_" + "a" * 5000,
    ):
        assert api.client.get(path, headers=_key(made_up)).status_code == 401
        assert api.client.get(path, headers={"Authorization": f"Bearer {made_up}"}).status_code == (
            401
        )
    with api.index.session() as session:
        [revocation] = read_audit(session, action="service_account_revoke")
        calls = read_audit(session, action="service_call")
    assert revocation.username == "quantri"
    assert len(calls) == 1  # only the call made before the revocation
    unknown = api.client.post(
        "/api/service-accounts/khong-co/revoke", headers=api.headers("quantri")
    )
    assert unknown.status_code == 404


def test_a_key_cannot_read_another_units_result(api: ApiEnv) -> None:
    elsewhere = api.seed(REGISTERED, unit_code=OTHER_UNIT, tag="other")
    key = _create(api)
    staff_answer = api.client.get(f"/api/results/{elsewhere}/export", headers=api.headers("canbo1"))
    key_answer = api.client.get(f"/api/results/{elsewhere}/export", headers=_key(key))
    assert key_answer.status_code == staff_answer.status_code == 404
    with api.index.session() as session:
        [refused] = read_audit(session, username=f"svc:{NAME}", action="view_refused")
    assert refused.query == f"result={elsewhere}"


def test_a_key_posts_without_the_pages_csrf_header(api: ApiEnv) -> None:
    """The one-stop system reports a received dossier: a key is no cookie, no CSRF header."""
    key = _create(api)
    received = api.client.post(
        "/api/dossiers", json={"dossier_code": DOSSIER, "channel": 2}, headers=_key(key)
    )
    assert received.status_code == 200, received.text


def test_only_admins_manage_accounts_and_the_key_is_never_listed(api: ApiEnv) -> None:
    for username in ("canbo1", "lanhdao"):
        headers = api.headers(username)
        body = {"name": "khac", "unit_code": UNIT}
        assert api.client.post("/api/service-accounts", json=body, headers=headers).status_code == (
            403
        )
        assert api.client.get("/api/service-accounts", headers=headers).status_code == 403
    key = _create(api)
    # A service account is unit staff: it cannot make itself more keys.
    own = api.client.post(
        "/api/service-accounts", json={"name": "x2", "unit_code": UNIT}, headers=_key(key)
    )
    assert own.status_code == 403
    listed = api.client.get("/api/service-accounts", headers=api.headers("quantri"))
    assert listed.status_code == 200
    [account] = listed.json()
    assert account["name"] == NAME and account["unit_code"] == UNIT
    assert account["created_by"] == "quantri"
    secret = key.split("_", 2)[2]
    assert secret not in listed.text and "hash" not in listed.text
    admin = api.headers("quantri")
    for bad in (
        {"name": NAME, "unit_code": UNIT},  # taken
        {"name": "Có Dấu", "unit_code": UNIT},
        {"name": "x" * 77, "unit_code": UNIT},  # "svc:" + name must fit 80 characters
        {"name": "khong-don-vi", "unit_code": "  "},
    ):
        refused = api.client.post("/api/service-accounts", json=bad, headers=admin)
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == "invalid_request"


def test_authenticate_key_gives_unit_staff_and_refuses_tampering(tmp_path: Path) -> None:
    index = Index(f"sqlite:///{tmp_path / 'index.db'}")
    index.create_schema()
    try:
        with index.session() as session:
            info, key = create_service_account(session, " MotCua ", f" {UNIT} ", "quantri")
        assert (info.name, info.unit_code, info.created_at is not None) == ("motcua", UNIT, True)
        with index.session() as session:
            staff = authenticate_key(session, key)
            assert staff is not None
            assert (staff.username, staff.role, staff.unit_code) == ("svc:motcua", Role.STAFF, UNIT)
            assert authenticate_key(session, key[:-1]) is None
            assert authenticate_key(session, key.replace("sohoa_", "sohoa-")) is None
            assert authenticate_key(session, "") is None
            [listed] = list_accounts(session)
        assert listed.last_used_at is not None and listed.active
    finally:
        index.dispose()


def test_cli_creates_lists_and_revokes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    where = ["--data-dir", str(data)]
    created = runner.invoke(app, ["service-account", "create", NAME, "--unit", UNIT, *where])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("sohoa_")
    assert "MỘT LẦN" in created.stderr  # the warning; stdout stays plain for a redirect
    index = Index(Settings.rooted_at(data).index.url)
    try:
        with index.session() as session:
            staff = authenticate_key(session, key)
        assert staff is not None and staff.unit_code == UNIT
        listed = runner.invoke(app, ["service-account", "list", *where])
        assert listed.exit_code == 0, listed.output
        assert NAME in listed.output and "đang dùng" in listed.output
        assert key.split("_", 2)[2] not in listed.output
        revoked = runner.invoke(app, ["service-account", "revoke", NAME, *where])
        assert revoked.exit_code == 0, revoked.output
        assert "đã thu hồi" in runner.invoke(app, ["service-account", "list", *where]).output
        with index.session() as session:
            assert authenticate_key(session, key) is None
            actions = [entry.action for entry in read_audit(session, username="cli")]
        assert actions == ["service_account_revoke", "service_account_create"]
        unknown = runner.invoke(app, ["service-account", "revoke", "khong-co", *where])
        assert unknown.exit_code == 2 and "không có tài khoản dịch vụ" in unknown.output
        no_unit = runner.invoke(app, ["service-account", "create", "khac", *where])
        assert no_unit.exit_code == 2
        duplicate = runner.invoke(app, ["service-account", "create", NAME, "--unit", UNIT, *where])
        assert duplicate.exit_code == 2 and "đã tồn tại" in duplicate.output
    finally:
        index.dispose()


def test_a_keys_logout_ends_nothing_and_the_key_keeps_working(api: ApiEnv) -> None:
    """A service has no session: only a revocation ends its key (logout answered, not a 500)."""
    result_id = api.seed(REGISTERED)
    key = _create(api)
    assert api.client.post("/api/logout", headers=_key(key)).status_code == 204
    assert api.client.get(f"/api/results/{result_id}/export", headers=_key(key)).status_code == 200
