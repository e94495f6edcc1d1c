"""Staff authentication: login, tokens, cookie + CSRF header, 401 on every protected endpoint."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from sohoa.api.auth import COOKIE_NAME, issue_token, read_token
from sohoa.api.errors import NotAuthenticated
from storage.index.audit import read_audit
from storage.index.users import StaffUser
from tests.api_fixtures import DOSSIER, PASSWORD, UNIT, ApiEnv, api_fixture  # noqa: F401

PROTECTED = [
    ("GET", "/api/me", None),
    ("POST", "/api/search/id-number", {"id_number": "001224012345"}),
    ("POST", "/api/search/name", {"name": "Nguyen Van Duc", "date_of_birth": "2024-03-12"}),
    ("POST", "/api/search/document", {"document_number": "125/2024"}),
    (
        "POST",
        "/api/attachments",
        {"result_id": 1, "dossier_code": DOSSIER, "component": "Giấy khai sinh"},
    ),
    ("GET", f"/api/dossiers/{DOSSIER}", None),
    ("POST", f"/api/dossiers/{DOSSIER}/components/1/detach", None),
    ("GET", "/api/review", None),
    ("POST", "/api/review/1", {"version": 1, "fields": {"sex": "Nam"}}),
    ("GET", "/api/audit", None),
    ("POST", "/api/audit/citizen", {"id_number": "001224012345"}),
    ("GET", "/api/results/1/original", None),
    ("GET", "/api/results/1/thumbnail", None),
]


def test_login_returns_token_and_cookie(api: ApiEnv) -> None:
    response = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"] == {"username": "canbo1", "role": "staff", "unit_code": UNIT}
    cookie = response.headers["set-cookie"]
    assert COOKIE_NAME in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "canbo1"
    with api.index.session() as session:
        assert [e.action for e in read_audit(session, username="canbo1")] == ["login"]


@pytest.mark.parametrize(
    ("username", "password"), [("canbo1", "sai-mat-khau"), ("khong-co-ai", PASSWORD)]
)
def test_bad_credentials_are_401(api: ApiEnv, username: str, password: str) -> None:
    response = api.client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "mật khẩu" in response.json()["message"]
    assert COOKIE_NAME not in response.headers.get("set-cookie", "")


def test_login_with_empty_body_is_422(api: ApiEnv) -> None:
    response = api.client.post("/api/login", json={"username": ""})
    assert response.status_code == 422
    fields = {item["field"] for item in response.json()["errors"]}
    assert fields == {"username", "password"}


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_every_endpoint_needs_a_token(
    api: ApiEnv, method: str, path: str, body: dict[str, object] | None
) -> None:
    response = api.client.request(method, path, json=body)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


def test_tampered_expired_and_foreign_tokens_are_refused(api: ApiEnv) -> None:
    secret = api.settings.api.secret_key
    good, _ = issue_token(secret, "canbo1", 1)
    payload, signature = good.split(".")
    forged, _ = issue_token(secret, "quantri", 1)
    tampered = f"{forged.split('.')[0]}.{signature}"
    expired, _ = issue_token(secret, "canbo1", 1, now=time.time() - 7200)
    foreign, _ = issue_token("another-deployment", "canbo1", 1)
    for token in (tampered, expired, foreign, "garbage", f"{payload}."):
        response = api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
    with pytest.raises(NotAuthenticated):
        read_token(secret, expired)


def test_deactivated_account_loses_access_at_once(api: ApiEnv) -> None:
    headers = api.headers("canbo1")
    assert api.client.get("/api/me", headers=headers).status_code == 200
    with api.index.session() as session:
        session.execute(
            update(StaffUser).where(StaffUser.username == "canbo1").values(active=False)
        )
    assert api.client.get("/api/me", headers=headers).status_code == 401
    login = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert login.status_code == 401


def test_cookie_session_needs_csrf_header_for_changes(api: ApiEnv) -> None:
    login = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert login.status_code == 200
    assert api.client.get("/api/me").status_code == 200  # cookie alone is enough to read
    body = {"id_number": "001224012345"}
    refused = api.client.post("/api/search/id-number", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    allowed = api.client.post(
        "/api/search/id-number", json=body, headers={"X-Requested-With": "sohoa"}
    )
    assert allowed.status_code == 200
    api.client.post("/api/logout", headers={"X-Requested-With": "sohoa"})
    api.client.cookies.clear()
    assert api.client.get("/api/me").status_code == 401


def test_health_and_openapi_need_no_login(api: ApiEnv) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    schema = api.client.get("/api/openapi.json").json()
    for path in (
        "/api/login",
        "/api/search/id-number",
        "/api/search/name",
        "/api/search/document",
        "/api/attachments",
        "/api/dossiers/{dossier_code}",
        "/api/review",
        "/api/audit",
        "/api/results/{result_id}/original",
    ):
        assert path in schema["paths"], path
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_staff_page_is_served_in_vietnamese(api: ApiEnv) -> None:
    page = api.client.get("/")
    assert page.status_code == 200
    assert 'lang="vi"' in page.text and "Đăng nhập" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert api.client.get("/static/staff.js").status_code == 200
    assert api.client.get("/static/staff.css").status_code == 200


def test_a_rotated_key_keeps_its_tokens_until_they_expire(api: ApiEnv) -> None:
    old, _ = issue_token("the-key-before-rotation", "canbo1", 1)
    rotated = api.settings.api.model_copy(
        update={"previous_secret_keys": ["the-key-before-rotation"]}
    )
    assert read_token(rotated.token_keys, old) == "canbo1"
    with pytest.raises(NotAuthenticated):  # not listed: refused
        read_token(api.settings.api.token_keys, old)
    new, _ = issue_token(rotated.secret_key, "canbo1", 1)
    assert read_token(rotated.token_keys, new) == "canbo1"


def test_logout_ends_the_token_and_the_cookie_at_once(api: ApiEnv) -> None:
    login = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    token = login.json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    other = api.headers("canbo1")  # another session of the same account
    assert api.client.get("/api/me", headers=bearer).status_code == 200
    assert api.client.post("/api/logout", headers=bearer).status_code == 204
    assert api.client.get("/api/me", headers=bearer).status_code == 401
    assert api.client.get("/api/me", headers=other).status_code == 401
    cookie = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert cookie.status_code == 200  # logging in again works
    assert api.client.get("/api/me").status_code == 200


def test_disabling_or_a_new_password_ends_sessions(api: ApiEnv) -> None:
    from storage.index.users import set_active, set_password

    headers = api.headers("canbo1")
    with api.index.session() as session:
        set_active(session, "canbo1", False)
        set_active(session, "canbo1", True)
    assert api.client.get("/api/me", headers=headers).status_code == 401  # ended, not resumed
    fresh = api.headers("canbo1")
    assert api.client.get("/api/me", headers=fresh).status_code == 200
    with api.index.session() as session:
        set_password(session, "canbo1", "mat-khau-moi-456")
    assert api.client.get("/api/me", headers=fresh).status_code == 401
    old = api.client.post("/api/login", json={"username": "canbo1", "password": PASSWORD})
    assert old.status_code == 401
