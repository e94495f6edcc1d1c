"""Every table module, imported once so ``Base.metadata`` knows the whole schema."""

from __future__ import annotations

from storage.index import tables
from storage.index.tables import Base

TABLE_MODULES = (tables,)

__all__ = ["TABLE_MODULES", "Base"]
