"""Bringing an index database to the current schema with Alembic, safely from many processes.

Every process that opens the index (worker, watcher, API, CLI) calls ``upgrade`` at start-up, so
``docker compose up --scale worker=4`` starts four migrators at once. They serialise on a lock —
a PostgreSQL advisory lock held by the migrating transaction, or a lock file beside a SQLite
database (whose DDL pysqlite does not run inside transactions) — and the ones that wait then
find the schema at head and do nothing. There is no ``alembic.ini``: the script location is set
here and the open connection is handed to ``migrations/env.py``.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from storage.index.engine import make_engine, sqlite_file
from storage.index.schema import Base

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# A database built by ``create_all`` before migrations existed is at least this revision (or
# at head, if it matches the models exactly).
BASELINE_REVISION = "0001"
# Indexes the migrations create on PostgreSQL only (trigram search); not in the models, so the
# model-vs-database comparison must not ask to drop them.
POSTGRES_ONLY_INDEXES = frozenset({"ix_people_name_trgm"})
# One key for the whole database: migrations are short, and creating extensions (database-wide
# objects) must be serialised even between applications living in different schemas.
ADVISORY_LOCK_KEY = 0x50_48_4F_41  # "SOHOA" in spirit; any constant bigint
LOCK_WAIT_SECONDS = 120


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Autogenerate filter: ignore PostgreSQL-only objects the models do not describe."""
    return not (type_ == "index" and reflected and name in POSTGRES_ONLY_INDEXES)


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config with the script location set in code and, if given, the connection to use."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision in ``migrations/versions`` (one linear history)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations under {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None before the first migration."""
    return MigrationContext.configure(connection).get_current_revision()


def schema_differences(connection: Connection) -> list[Any]:
    """Alembic's diff between the database and the models (empty when they agree)."""
    context = MigrationContext.configure(
        connection, opts={"include_object": include_object, "compare_type": True}
    )
    return list(compare_metadata(context, Base.metadata))


def upgrade(target: str | Engine, revision: str = "head") -> None:
    """Migrate the database at ``target`` (URL or engine) to ``revision``; idempotent.

    Database errors propagate as SQLAlchemy exceptions; ``Index.create_schema`` maps them.
    """
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        if revision == "head" and _at_head(engine):
            return
        with _file_lock(engine), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'"))
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            config = alembic_config(connection)
            if _created_before_migrations(connection):
                adopted = "head" if not schema_differences(connection) else BASELINE_REVISION
                log.warning(
                    "chỉ mục tạo không qua migration, ghi nhận là bản %s / index built without "
                    "migrations, recorded as that revision",
                    adopted,
                )
                command.stamp(config, adopted)
            command.upgrade(config, revision)
    finally:
        if isinstance(target, str):
            engine.dispose()


def _at_head(engine: Engine) -> bool:
    """Fast path for every start after the first: one read, no lock, no scripts executed."""
    with engine.connect() as connection:
        return current_revision(connection) == head_revision()


def _created_before_migrations(connection: Connection) -> bool:
    """A database built by ``create_all`` (no ``alembic_version`` table, but our tables)."""
    tables = set(inspect(connection).get_table_names())
    return "alembic_version" not in tables and "scans" in tables


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """Exclusive lock on ``<database>.migrate.lock`` for a SQLite file; nothing otherwise."""
    path = sqlite_file(engine.url)
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".migrate.lock")
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{lock_path} held for over {LOCK_WAIT_SECONDS}s") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
