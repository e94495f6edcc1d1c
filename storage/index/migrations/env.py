"""Alembic environment: always run through ``storage.index.migrate``, on its connection.

No ``alembic.ini``: the runner sets ``script_location`` in code and hands over an open
connection (``config.attributes["connection"]``) already holding the migration lock, so the URL
never goes through configparser (``%`` in passwords or ``options=`` would break it).
"""

from __future__ import annotations

from alembic import context

from storage.index.migrate import include_object
from storage.index.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.index.migrate.upgrade(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
