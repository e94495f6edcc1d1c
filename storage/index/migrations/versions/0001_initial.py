"""Initial schema: scans, dossiers and components, versioned results and the people in them,
reuse and dossier events, staff users and the audit log.

Written from the models as they stood when migrations were introduced (``create_all`` built the
same tables before), checked by hand against ``alembic revision --autogenerate`` on SQLite and
PostgreSQL. On PostgreSQL it also enables ``unaccent`` and ``pg_trgm`` when the server allows
and adds a trigram index on the folded names; both are optional (search works without them).

Revision ID: 0001
Revises:
Create Date: 2024-11-24
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("storage.index.migrations")


def _now() -> sa.sql.functions.now:
    """The models' ``server_default=func.now()`` (CURRENT_TIMESTAMP on SQLite, now() on PG)."""
    return sa.func.now()


def _indexes(table: str, *columns: str) -> None:
    """One single-column index per column, named as SQLAlchemy names ``index=True`` ones."""
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("original_key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    _indexes("scans", "state", "unit_code")

    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("procedure_code", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=True),
        sa.Column("issues_result", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    _indexes("dossiers", "field", "procedure_code", "received_on", "unit_code")

    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("owner_id_number", sa.String(length=12), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=True),
        sa.Column("owner_date_of_birth", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(length=60), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reasons", sa.JSON(), nullable=False),
        sa.Column("mean_confidence", sa.Float(), nullable=False),
        sa.Column("engine", sa.JSON(), nullable=False),
        sa.Column("derived_prefix", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("dossier_code", sa.String(length=60), nullable=True),
        sa.Column("procedure_code", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("digitized_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scan_id", "version"),
    )
    op.create_index("ix_results_current_owner", "results", ["is_current", "owner_id_number"])
    _indexes(
        "results",
        "doc_type",
        "document_number",
        "needs_review",
        "owner_id_number",
        "scan_id",
        "unit_code",
    )

    op.create_table(
        "dossier_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"]),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"]),
        sa.ForeignKeyConstraint(["scan_id"], ["scans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id", "name", "kind"),
    )
    _indexes("dossier_components", "dossier_id")

    op.create_table(
        "result_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("id_number", sa.String(length=12), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_dob", "result_people", ["date_of_birth"])
    op.create_index("ix_people_id_number", "result_people", ["id_number"])
    op.create_index("ix_people_name_dob", "result_people", ["name_key", "date_of_birth"])
    _indexes("result_people", "result_id")

    op.create_table(
        "reuse_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("dossier_code", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("staff_username", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(["component_id"], ["dossier_components.id"]),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("reuse_events", "at", "component_id", "dossier_code", "result_id")

    op.create_table(
        "dossier_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["component_id"], ["dossier_components.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dossier_events_dossier_kind", "dossier_events", ["dossier_id", "kind"])
    _indexes("dossier_events", "at")

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    _indexes("staff_users", "unit_code")

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), server_default=_now(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("citizen_hash", sa.String(length=64), nullable=False),
        sa.Column("dossier_code", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("audit_log", "at", "citizen_hash", "username")

    if op.get_bind().dialect.name == "postgresql":
        _postgres_name_search()


def _postgres_name_search() -> None:
    """unaccent + pg_trgm and a trigram index on the folded names, when the server allows."""
    _ensure_extension("unaccent")
    trgm_schema = _ensure_extension("pg_trgm")
    if trgm_schema is None:
        return
    op.execute(
        "CREATE INDEX ix_people_name_trgm ON result_people "
        f'USING gin (name_key "{trgm_schema}".gin_trgm_ops)'
    )


def _ensure_extension(name: str) -> str | None:
    """The schema holding extension ``name``, creating it if needed; None if not possible.

    A new extension goes into ``public`` when there is one: an extension exists once per
    database, and one created in an application schema would vanish with that schema (taking
    other schemas' indexes with it). Failure is logged, not raised: a managed server may refuse
    extensions, and search then works from the birth-date index alone.
    """
    bind = op.get_bind()
    where = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = :name"
    )
    found = bind.execute(where, {"name": name}).scalar()
    if found is not None:
        return str(found)
    has_public = bind.execute(
        sa.text("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")
    ).scalar()
    target = (
        "public" if has_public else str(bind.execute(sa.text("SELECT current_schema()")).scalar())
    )
    try:
        with bind.begin_nested():
            bind.execute(sa.text(f'CREATE EXTENSION IF NOT EXISTS {name} SCHEMA "{target}"'))
    except DBAPIError as exc:
        log.warning(
            "PostgreSQL extension %s not available (%s): continuing without it", name, exc.orig
        )
        return None
    found = bind.execute(where, {"name": name}).scalar()
    return str(found) if found is not None else None


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_people_name_trgm")
    for table in (
        "audit_log",
        "staff_users",
        "dossier_events",
        "reuse_events",
        "result_people",
        "dossier_components",
        "results",
        "dossiers",
        "scans",
    ):
        op.drop_table(table)  # drops the table's indexes with it
