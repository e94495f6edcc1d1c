"""Choosing the results a re-OCR batch re-runs: current versions of finished scans, by filters.

"Outdated" compares the ``engine`` JSON of each current result (tesseract, pipeline, rules) with
what would produce a new version now; a result missing a key counts as outdated. Versions a
person corrected are skipped unless asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from schemas.records import ScanState
from schemas.reocr import ReocrFilters, SelectedScan, Selection, SelectionRow
from storage.index.reocr import ReocrItem
from storage.index.tables import Result, Scan

# The engine keys whose change makes a stored result worth re-running.
ENGINE_KEYS = ("tesseract", "pipeline", "rules")
_FINISHED = (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value)


def _conditions(filters: ReocrFilters, current_engine: Mapping[str, str]) -> list[Any]:
    found: list[Any] = [Result.is_current.is_(True), Scan.state.in_(_FINISHED)]
    if filters.since is not None:
        found.append(Result.digitized_at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        found.append(Result.digitized_at < datetime.combine(filters.until, time.min) + timedelta(1))
    if filters.unit_codes:
        found.append(Result.unit_code.in_(filters.unit_codes))
    if filters.doc_types:
        found.append(Result.doc_type.in_([d.value for d in filters.doc_types]))
    if filters.outdated:
        found.append(
            or_(
                *(
                    func.coalesce(Result.engine[key].as_string(), "") != current_engine.get(key, "")
                    for key in ENGINE_KEYS
                )
            )
        )
    if filters.below_confidence is not None:
        found.append(Result.mean_confidence < filters.below_confidence)
    if filters.needs_review is not None:
        found.append(Result.needs_review.is_(filters.needs_review))
    if not filters.include_corrected:
        found.append(Result.engine["corrected_by"].as_string().is_(None))
    if filters.scan_ids:
        found.append(Result.scan_id.in_(filters.scan_ids))
    return found


def _selected(
    filters: ReocrFilters, current_engine: Mapping[str, str]
) -> Select[int, int, int, str]:
    return (
        select(Result.scan_id, Result.version, Scan.page_count, Result.doc_type)
        .join(Scan, Scan.id == Result.scan_id)
        .where(*_conditions(filters, current_engine))
        .order_by(Result.scan_id)
        .limit(filters.limit)
    )


def select_scans(
    session: Session, filters: ReocrFilters, current_engine: Mapping[str, str]
) -> list[SelectedScan]:
    """The scans to re-run, in scan order, with their current version and page count."""
    return [
        SelectedScan(scan_id=row[0], version=row[1], pages=row[2], doc_type=row[3])
        for row in session.execute(_selected(filters, current_engine))
    ]


def count_selection(
    session: Session, filters: ReocrFilters, current_engine: Mapping[str, str]
) -> Selection:
    """How many results and pages the filters select, per document type."""
    chosen = _selected(filters, current_engine).subquery()
    rows = session.execute(
        select(chosen.c.doc_type, func.count(), func.coalesce(func.sum(chosen.c.page_count), 0))
        .group_by(chosen.c.doc_type)
        .order_by(chosen.c.doc_type)
    )
    return Selection(
        rows=[SelectionRow(doc_type=doc, results=n, pages=pages) for doc, n, pages in rows]
    )


def add_selected_items(
    session: Session, batch_id: int, filters: ReocrFilters, current_engine: Mapping[str, str]
) -> int:
    """One pending item per selected scan, inserted by the database (no rows through Python:
    a province's batch can hold millions); how many."""
    chosen = _selected(filters, current_engine).subquery()
    rows = select(literal(batch_id), chosen.c.scan_id, chosen.c.page_count, chosen.c.version)
    result = session.execute(
        insert(ReocrItem).from_select(["batch_id", "scan_id", "pages", "old_version"], rows)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
