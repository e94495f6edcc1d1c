"""CSV: one line per figure (see ``flat``), for spreadsheets and other systems."""

from __future__ import annotations

import csv
import io

from schemas.reporting import Report
from sohoa.reporting.flat import COLUMNS, records


def to_csv(report: Report) -> str:
    """The CSV text; write it as UTF-8 with BOM so Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records(report):
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return buffer.getvalue()
