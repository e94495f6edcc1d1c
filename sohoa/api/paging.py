"""How list endpoints whose body is a plain list say how many items there are in all.

The review queue and the audit log answered a bare JSON list before paging existed; other
programs (and the review tab) read it as such. Their total therefore travels in a header,
which adds paging without changing the body anyone already parses.
"""

from __future__ import annotations

TOTAL_HEADER = "X-Total-Count"
TOTAL_HEADER_DOC = {
    "description": "Tổng số dòng (mọi trang) / the total over all pages",
    "schema": {"type": "integer"},
}
