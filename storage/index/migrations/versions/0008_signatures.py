"""Signatures (issue #24): an incoming PDF's verified signatures, and the unit's signature on
each confirmed result's digitized copy (its state indexed for the maintenance pass).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-13
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.add_column(
            sa.Column("signatures", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("signing_state", sa.String(length=12), nullable=True))
        batch.add_column(
            sa.Column("signing", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch.create_index("ix_results_signing_state", ["signing_state"])


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_index("ix_results_signing_state")
        batch.drop_column("signing")
        batch.drop_column("signing_state")
        batch.drop_column("signatures")
