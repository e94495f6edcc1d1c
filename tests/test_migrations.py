"""Alembic migrations on SQLite and the real PostgreSQL: they build exactly the models' schema.

A column or table added to the models without a migration makes ``test_migrated_schema_equals
_the_models`` fail and name the difference (write the next file in
``storage/index/migrations/versions/``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from schemas.errors import IndexUnavailable
from storage.index import migrate
from storage.index.db import Index
from storage.index.schema import Base

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    opened = Index(url).engine
    yield opened
    opened.dispose()


def _differences(engine: sa.Engine) -> list[Any]:
    with engine.connect() as connection:
        return migrate.schema_differences(connection)


def _describe(diff: Any) -> str:
    """One readable line per difference, e.g. ``add_column results.reocr_batch``."""
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(_describe(item) for item in diff)
    kind, *rest = diff
    names = [getattr(item, "name", None) or str(item) for item in rest if item is not None]
    return f"{kind} " + " ".join(str(name) for name in names)


def test_migrated_schema_equals_the_models(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    differences = [_describe(diff) for diff in _differences(engine)]
    assert not differences, (
        "the models and the migrations disagree — add a migration under "
        "storage/index/migrations/versions/ for:\n  " + "\n  ".join(differences)
    )
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()


def test_a_model_change_without_migration_is_named(engine: sa.Engine) -> None:
    """The comparison really looks: a column the database lacks is reported by name."""
    migrate.upgrade(engine)
    extended = sa.MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extended)
    extended.tables["results"].append_column(sa.Column("reocr_batch", sa.Integer()))
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": migrate.include_object}
        )
        found = [_describe(diff) for diff in compare_metadata(context, extended)]
    assert found == ["add_column results reocr_batch"]


def test_upgrade_is_idempotent_and_create_schema_uses_it(url: str) -> None:
    index = Index(url)
    try:
        index.create_schema()
        index.create_schema()
        migrate.upgrade(url)
        with index.engine.connect() as connection:
            versions = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert [row[0] for row in versions] == [migrate.head_revision()]
    finally:
        index.dispose()


def test_concurrent_start_up_migrates_once(url: str) -> None:
    """Three processes starting together (``--scale worker=3``): all succeed, one schema."""
    code = "import sys; from storage.index.migrate import upgrade; upgrade(sys.argv[1])"
    runs = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    errors = [run.communicate(timeout=120)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    engine = Index(url).engine
    try:
        assert _differences(engine) == []
    finally:
        engine.dispose()


def _add_scan(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO scans (sha256, filename, size_bytes, original_key, state, "
                "error_code, error_message, page_count, attempts, current_version, unit_code) "
                "VALUES (:sha, 'a.pdf', 1, 'k', 'queued', '', '', 0, 0, 0, '')"
            ),
            {"sha": "a" * 64},
        )


def _assert_adopted(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        assert connection.execute(sa.text("SELECT count(*) FROM scans")).scalar() == 1
    assert _differences(engine) == []


def test_database_built_before_migrations_is_adopted_and_upgraded(engine: sa.Engine) -> None:
    """An index from before migrations (the baseline's tables, no record) keeps its data."""
    migrate.upgrade(engine, migrate.BASELINE_REVISION)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE alembic_version"))
    _add_scan(engine)
    _assert_adopted(engine)


def test_database_built_by_create_all_of_todays_models_is_adopted(engine: sa.Engine) -> None:
    Base.metadata.create_all(engine)
    _add_scan(engine)
    _assert_adopted(engine)


def test_unreachable_postgres_is_retryable_and_fast() -> None:
    index = Index("postgresql+psycopg://postgres@127.0.0.1:1/test")
    started = time.monotonic()
    with pytest.raises(IndexUnavailable):
        index.create_schema()
    assert time.monotonic() - started < 10
    index.dispose()


def _initial_migration() -> ModuleType:
    path = migrate.MIGRATIONS_DIR / "versions" / "0001_initial.py"
    spec = importlib.util.spec_from_file_location("sohoa_migration_0001", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.postgres
def test_postgres_gets_trigram_index_and_survives_a_missing_extension(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    engine = Index(postgres_url).engine
    try:
        with engine.begin() as connection:
            indexes = connection.execute(
                sa.text(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND indexname = 'ix_people_name_trgm'"
                )
            ).scalars()
            assert [d for d in indexes if "gin_trgm_ops" in d and "name_key" in d]
            module = _initial_migration()
            with Operations.context(MigrationContext.configure(connection)):
                assert module._ensure_extension("pg_trgm") is not None
                assert module._ensure_extension("sohoa_no_such_extension") is None
            # The failed CREATE EXTENSION was rolled back to its savepoint: still usable.
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
