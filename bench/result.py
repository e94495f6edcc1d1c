"""The one convention every benchmark follows, so ``bench.run_all`` can collect them.

A benchmark prints whatever it likes, then, as its last line, ``BENCH_RESULT `` followed by one
JSON object::

    {"bench": "throughput",
     "rows": [{"name": "OCR throughput, sohoa pipeline", "value": 41.2, "unit": "pages/min",
               "baseline": "bare tesseract 45.0 pages/min", "ratio": 0.92,
               "target": ">= 0.85x bare", "pass": true, "note": ""}],
     "details": {...anything else worth keeping...}}

``value``/``ratio`` may be null, ``pass`` is true, false or null (no target, or not measured).
Scripts written by other people only need to print that line; ``emit`` is a convenience.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any

PREFIX = "BENCH_RESULT "


@dataclass
class Row:
    """One line of the final table: what was measured, against what, and the verdict."""

    name: str
    value: float | None
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(
            name=str(data.get("name", "?")),
            value=_number(data.get("value")),
            unit=str(data.get("unit", "")),
            baseline=str(data.get("baseline", "")),
            ratio=_number(data.get("ratio")),
            target=str(data.get("target", "")),
            passed=data.get("pass") if isinstance(data.get("pass"), bool) else None,
            note=str(data.get("note", "")),
        )


@dataclass
class BenchResult:
    bench: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        payload = {
            "bench": self.bench,
            "rows": [row.as_json() for row in self.rows],
            "details": self.details,
        }
        return PREFIX + json.dumps(payload, ensure_ascii=False, default=str)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def emit(result: BenchResult) -> None:
    """Print the result line last (flushed, so a parent reading the pipe sees it)."""
    print(result.line(), flush=True)


def parse(stdout: str) -> list[BenchResult]:
    """Every ``BENCH_RESULT`` line of a benchmark's output (normally exactly one)."""
    found: list[BenchResult] = []
    for raw in stdout.splitlines():
        if not raw.startswith(PREFIX):
            continue
        try:
            data = json.loads(raw[len(PREFIX) :])
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        rows = [Row.from_json(r) for r in data.get("rows", []) if isinstance(r, dict)]
        details = data.get("details") if isinstance(data.get("details"), dict) else {}
        found.append(BenchResult(str(data.get("bench", "?")), rows, details or {}))
    return found


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (the same rule as search_latency)."""
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def load_average() -> str:
    """The machine's load when the figure was taken: absolute numbers mean little without it."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
