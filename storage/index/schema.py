"""Every table module, imported once so ``Base.metadata`` knows the whole schema."""

from __future__ import annotations

from storage.index import (
    audit,
    catalogue,
    events,
    proposals,
    reocr,
    search,
    service_accounts,
    tables,
    users,
    webhooks,
)
from storage.index.tables import Base

# search adds the birth-date index on result_people; audit uses tables' AuditRecord.
TABLE_MODULES = (
    tables,
    users,
    audit,
    search,
    events,
    reocr,
    catalogue,
    proposals,
    service_accounts,
    webhooks,
)

__all__ = ["TABLE_MODULES", "Base"]
