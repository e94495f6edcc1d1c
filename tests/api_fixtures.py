"""Seed data and a ready API for the staff API tests: SQLite in tmp_path, local object store.

Import the fixture into a test module (``from api_fixtures import api_fixture``; it is
named ``api``). Users get one
password hash computed once per session, so building the app costs no argon2 work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from schemas.settings import Settings
from sohoa.api.app import create_app
from sohoa.api.auth import issue_token
from storage import keys
from storage.index.db import Index
from storage.index.results import save_version
from storage.index.scans import register_scan
from storage.index.tables import Result
from storage.index.users import Role, StaffUser, hash_password
from storage.objects.local import LocalObjectStore

TODAY = date(2024, 3, 15)
UNIT = "000.00.20.H12"
OTHER_UNIT = "000.00.20.H13"
DOSSIER = f"{UNIT}-240315-0007"
OTHER_DOSSIER = f"{OTHER_UNIT}-240315-0001"
PASSWORD = "mat-khau-123"
PASSWORD_HASH = hash_password(PASSWORD)

USERS = {
    "canbo1": (Role.STAFF, UNIT),
    "canbo2": (Role.STAFF, OTHER_UNIT),
    "lanhdao": (Role.SUPERVISOR, UNIT),
    "quantri": (Role.ADMIN, ""),
}

CITIZEN_ID = "001224012345"
BIRTH = {
    "full_name": "NGUYỄN VĂN ĐỨC",
    "date_of_birth": "2024-03-12",
    "sex": "Nam",
    "id_number": CITIZEN_ID,
    "registration_number": "125/2024",
    "place_of_birth": "Trạm y tế xã Phú Mỹ",
    "mother_name": "TRẦN THỊ BÌNH",
}
EXPIRED_CARD = {
    "full_name": "LÊ VĂN AN",
    "date_of_birth": "1990-05-01",
    "id_number": "001090004567",
    "expiry_date": "2020-01-01",
}


def page_png(text: str = "GIẤY KHAI SINH") -> bytes:
    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((40, 40), text.encode("ascii", "ignore").decode(), fill=0)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed_result(
    index: Index,
    store: LocalObjectStore,
    fields: dict[str, str],
    *,
    doc_type: str = "birth_certificate",
    unit_code: str = UNIT,
    shared: bool = False,
    needs_review: bool = False,
    with_page: bool = True,
    tag: str = "",
) -> int:
    """One scan with its original and first page stored, and its result version 1 indexed."""
    original = f"%PDF-1.4 {doc_type} {sorted(fields.items())} {tag}".encode()
    sha = hashlib.sha256(original).hexdigest()
    store.put_immutable(keys.original_key(sha), original, "application/pdf")
    if with_page:
        store.put_bytes(keys.page_image_key(sha, 1, 1), page_png(), "image/png")
    with index.session() as session:
        scan, _ = register_scan(
            session,
            sha256=sha,
            filename="khai sinh.pdf",
            size_bytes=len(original),
            original_key=keys.original_key(sha),
            unit_code=unit_code,
        )
        row = save_version(
            session,
            Result(
                scan_id=scan.id,
                version=1,
                doc_type=doc_type,
                fields=dict(fields),
                derived_prefix=keys.derived_prefix(sha, 1),
                unit_code=unit_code,
                shared=shared,
                needs_review=needs_review,
                review_reasons=["full_name: độ tin cậy thấp"] if needs_review else [],
                mean_confidence=0.6 if needs_review else 0.93,
            ),
        )
        return row.id


def add_users(index: Index) -> None:
    with index.session() as session:
        for username, (role, unit) in USERS.items():
            session.add(
                StaffUser(
                    username=username,
                    password_hash=PASSWORD_HASH,
                    role=role.value,
                    unit_code=unit,
                    active=True,
                )
            )


@dataclass
class ApiEnv:
    client: TestClient
    index: Index
    store: LocalObjectStore
    settings: Settings

    def headers(self, username: str) -> dict[str, str]:
        token, _ = issue_token(self.settings.api.secret_key, username, 1)
        return {"Authorization": f"Bearer {token}"}

    def seed(self, fields: dict[str, str], **options: object) -> int:
        return seed_result(self.index, self.store, fields, **options)  # type: ignore[arg-type]


@pytest.fixture(name="api")
def api_fixture(settings: Settings) -> Iterator[ApiEnv]:
    """The app on a fresh index with the four USERS, driven by a TestClient."""
    settings.api.secret_key = "test-secret-key"
    index = Index(settings.index.url)
    index.create_schema()
    store = LocalObjectStore(settings.storage.local_root)
    add_users(index)
    app = create_app(settings, index=index, store=store, today=lambda: TODAY)
    with TestClient(app) as client:
        yield ApiEnv(client=client, index=index, store=store, settings=settings)
    index.dispose()
