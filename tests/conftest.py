"""Shared fixtures: settings rooted in a temporary folder, opened services, real servers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.settings import Settings

REDIS_URL = os.environ.get("SOHOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get(
    "SOHOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults (local store, SQLite, in-process jobs) under tmp_path."""
    return Settings.rooted_at(tmp_path / "data")


@pytest.fixture(autouse=True)
def _one_ocr_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytesseract calls made directly by tests read os.environ; sohoa's own pass it per call."""
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the real PostgreSQL server, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
