"""Accent-insensitive, one-typo name search on SQLite and the real PostgreSQL, on indexes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from storage.index.db import Index
from storage.index.results import save_version
from storage.index.scans import register_scan
from storage.index.search import search_by_name_and_birth
from storage.index.tables import Result

BORN = date(1990, 5, 17)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'index.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = Index(url)
    opened.create_schema()
    yield opened
    opened.dispose()


def _seed(index: Index, tag: str, name: str, born: date) -> int:
    sha = (tag * 64)[:64]
    with index.session() as session:
        scan, _ = register_scan(
            session, sha256=sha, filename=f"{tag}.pdf", size_bytes=1, original_key=f"k/{tag}"
        )
        fields = {"full_name": name, "date_of_birth": born.isoformat()}
        row = Result(
            scan_id=scan.id,
            doc_type="id_card",
            fields=fields,
            derived_prefix=f"derived/{sha}/v1/",
        )
        return save_version(session, row).id


def _found(index: Index, name: str, born: date = BORN) -> list[int]:
    with index.session() as session:
        return [row.id for row in search_by_name_and_birth(session, name, born, None)]


def test_accents_case_and_one_typo_are_forgiven(index: Index) -> None:
    duc = _seed(index, "a", "NGUYỄN VĂN ĐỨC", BORN)
    dat = _seed(index, "b", "NGUYỄN VĂN ĐẠT", BORN)
    _seed(index, "c", "NGUYỄN VĂN ĐỨC", date(1991, 5, 17))  # same name, other person
    for query in ("nguyen van duc", "Nguyễn Văn Đức", "NGUYEN  VAN DUC", "nguyen van dyc"):
        assert _found(index, query) == [duc], query
    assert _found(index, "nguyen van dat") == [dat]
    assert _found(index, "nguyen van dac") == [dat, duc]  # one edit from both; newest first
    assert _found(index, "nguyen van dxx") == []  # two edits from both
    assert _found(index, "nguyen van duc", date(1990, 5, 18)) == []


def _captured_selects(index: Index, run: Any) -> list[tuple[str, Any]]:
    """The SELECT statements (with parameters) that ``run`` sends to the database."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(index.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa.event.remove(index.engine, "before_cursor_execute", capture)
    return seen


def test_name_search_runs_on_indexes(index: Index) -> None:
    """Every query of the search uses an index; none reads a whole table."""
    for n in range(30):
        _seed(index, f"{n:02d}", f"TRẦN THỊ BÌNH {n}", date(1980, 1, 1 + n % 28))
    _seed(index, "x", "NGUYỄN VĂN ĐỨC", BORN)
    statements = _captured_selects(index, lambda: _found(index, "nguyen van dyc"))
    assert len(statements) == 2  # candidates by birth date, then results by primary key
    with index.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:  # tiny tables: make the planner show whether an index *can* be used
            connection.exec_driver_sql("SET enable_seqscan = off")
        plans = []
        for statement, parameters in statements:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
            plans.append("\n".join(str(row[-1]) for row in rows))
    candidates, results = plans
    assert "ix_people_dob" in candidates, candidates
    if postgres:
        assert "Seq Scan" not in candidates + results, plans
        assert "results_pkey" in results, results
    else:
        assert "SCAN result_people" not in candidates, candidates
        assert "SEARCH results USING INTEGER PRIMARY KEY" in results, results
