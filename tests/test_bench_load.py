"""The load benchmark's generator (bench/load.py) against a tiny SQLite index and a real server."""

from __future__ import annotations

import pytest

from bench import load


@pytest.mark.slow
def test_load_generator_reports_every_kind_without_errors() -> None:
    result = load.run(size=2_000, clerk_counts=[3], seconds=2.0, engine="sqlite", workers=1)

    phases = result.details["phases"]
    assert [phase["clerks"] for phase in phases] == [1, 3]
    for phase in phases:
        for kind in load.KINDS:
            assert phase["kinds"][kind]["requests"] > 0, (phase["clerks"], kind)
            assert phase["kinds"][kind]["errors"] == 0, phase["error_samples"]
    errors = next(row for row in result.rows if row.name == "API load errors")
    assert errors.value == 0 and errors.passed is True
