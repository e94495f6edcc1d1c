"""The procedure catalogue (versioned imports) and the reuse proposals made at reception.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("procedure_count", sa.Integer(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "catalogue_procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("issues_result", sa.Boolean(), nullable=False),
        sa.Column("result_doc_type", sa.String(length=40), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["catalogue_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "code"),
    )
    op.create_index("ix_catalogue_procedures_version_id", "catalogue_procedures", ["version_id"])
    op.create_table(
        "catalogue_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["catalogue_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "code"),
    )
    op.create_index("ix_catalogue_units_version_id", "catalogue_units", ["version_id"])
    op.create_table(
        "reuse_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_code", sa.String(length=60), nullable=False),
        sa.Column("component", sa.String(length=200), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("shown_by", sa.String(length=80), nullable=False),
        sa.Column("shown_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_code", "component", "result_id"),
    )
    op.create_index("ix_reuse_proposals_dossier_code", "reuse_proposals", ["dossier_code"])


def downgrade() -> None:
    op.drop_index("ix_reuse_proposals_dossier_code", table_name="reuse_proposals")
    op.drop_table("reuse_proposals")
    op.drop_index("ix_catalogue_units_version_id", table_name="catalogue_units")
    op.drop_table("catalogue_units")
    op.drop_index("ix_catalogue_procedures_version_id", table_name="catalogue_procedures")
    op.drop_table("catalogue_procedures")
    op.drop_table("catalogue_versions")
