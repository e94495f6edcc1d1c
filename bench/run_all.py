"""Run every benchmark, each in its own process, and print one table of figures and verdicts.

A benchmark that crashes is shown as such and the others still run; one not written yet is
listed as not run. Each prints a ``BENCH_RESULT`` line last (see ``bench.result``); this collects
them. The exit code is 0 when every benchmark that exists produced its result, even if some
target was missed (this is a report), and 1 when one of them crashed or printed no result.

    .venv/bin/python -m bench.run_all [--quick] [--only throughput,search] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO
from bench.result import BenchResult, Row, load_average, parse

# name → module, in the order they run. The last two are other engineers' (issues #12 and re-OCR);
# a module that does not exist yet is listed as such, not counted as a crash.
BENCHMARKS: dict[str, str] = {
    "throughput": "bench.throughput",
    "search": "bench.search",
    "memory": "bench.memory",
    "intake": "bench.intake_latency",
    "qr": "bench.qr_cost",
    "reocr": "bench.reocr_500",
    "realscans": "bench.real_scans",
    "burst": "bench.burst",
    "load": "bench.load",
    "request_cost": "bench.request_cost",
}
# What --quick means for a benchmark without a --quick option of its own.
QUICK_ARGS: dict[str, list[str]] = {"bench.reocr_500": ["--count", "40"]}
TIMEOUT_SECONDS = 3 * 3600


@dataclass
class Outcome:
    name: str
    seconds: float
    exit_code: int
    results: list[BenchResult] = field(default_factory=list)
    error: str = ""
    missing: bool = False

    @property
    def crashed(self) -> bool:
        return not self.results and not self.missing


def _module_file(module: str) -> Path:
    return REPO.joinpath(*module.split(".")).with_suffix(".py")


def _takes_quick(module: str) -> bool:
    """Whether the benchmark has a --quick mode (other engineers' may not)."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return "--quick" in done.stdout


def run_one(name: str, module: str, quick: bool, log_dir: Path) -> Outcome:
    """One benchmark as ``python -m <module>``; its output goes to the terminal and a log."""
    if not _module_file(module).exists():
        print(f"\n=== {name}: {module} does not exist (yet); skipped", flush=True)
        return Outcome(name, 0.0, 0, missing=True, error=f"{module} not written yet")
    args = [sys.executable, "-m", module]
    if quick:
        args += ["--quick"] if _takes_quick(module) else QUICK_ARGS.get(module, [])
    log_path = log_dir / f"{name}.log"
    print(f"\n=== {name}: {' '.join(args[1:])} (log {log_path})", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert process.stdout is not None
        # Past the time limit: SIGTERM, which lets the benchmark drop its schema, keys, processes.
        watchdog = threading.Timer(TIMEOUT_SECONDS, process.terminate)
        watchdog.start()
        try:
            for line in process.stdout:
                log.write(line)
                lines.append(line)
                if not line.startswith("BENCH_RESULT "):
                    print(f"  {line}", end="", flush=True)
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        finally:
            watchdog.cancel()
    seconds = time.perf_counter() - started
    output = "".join(lines)
    outcome = Outcome(name, seconds, process.returncode, parse(output))
    if outcome.crashed:
        tail = [line.strip() for line in lines[-5:] if line.strip()]
        outcome.error = f"exit {process.returncode}: {' | '.join(tail)}"[:400]
    print(f"=== {name}: {seconds:.0f} s, exit {process.returncode}", flush=True)
    return outcome


def _value(row: Row) -> str:
    if row.value is None:
        return "—"
    number = f"{row.value:,.2f}" if abs(row.value) < 100 else f"{row.value:,.0f}"
    return f"{number} {row.unit}"


def _verdict(row: Row) -> str:
    return {True: "PASS", False: "FAIL", None: ""}[row.passed]


def table(outcomes: list[Outcome]) -> str:
    """One line per measured row: benchmark, measured, baseline/target, ratio, verdict."""
    header = ("benchmark", "measured", "baseline / target", "ratio", "")
    lines: list[tuple[str, str, str, str, str]] = []
    notes: list[str] = []
    for outcome in outcomes:
        if outcome.missing:
            lines.append((outcome.name, "not run", outcome.error, "", ""))
            continue
        if outcome.crashed:
            lines.append((outcome.name, "CRASHED", "", "", "ERROR"))
            notes.append(f"{outcome.name}: {outcome.error}")
            continue
        for result in outcome.results:
            for row in result.rows:
                against = " / ".join(part for part in (row.baseline, row.target) if part)
                ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
                lines.append((row.name, _value(row), against, ratio, _verdict(row)))
                if row.note:
                    notes.append(f"{row.name}: {row.note}")
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(5)]
    rendered = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header))]
    rendered.append("  ".join("-" * width for width in widths))
    for line in lines:
        rendered.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)))
    if notes:
        rendered += ["", "notes:"] + [f"  - {note}" for note in notes]
    return "\n".join(rendered)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run all sohoa benchmarks and print a table.")
    parser.add_argument("--quick", action="store_true", help="short runs (a few minutes)")
    parser.add_argument("--only", default="", help=f"comma-separated: {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", type=Path, default=None, help="also write every result here")
    parser.add_argument("--logs", type=Path, default=REPO / "var" / "bench")
    args = parser.parse_args()
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    args.logs.mkdir(parents=True, exist_ok=True)
    started_load = load_average()
    started = time.perf_counter()
    outcomes = [run_one(name, BENCHMARKS[name], args.quick, args.logs) for name in chosen]
    mode = "quick" if args.quick else "full"
    print(f"\nsohoa benchmarks ({mode} run, {time.perf_counter() - started:.0f} s)")
    print(f"load average at start: {started_load}; at end: {load_average()}\n")
    print(table(outcomes))
    if args.json:
        payload = {
            "mode": mode,
            "load_start": started_load,
            "load_end": load_average(),
            "benchmarks": [
                {
                    "name": o.name,
                    "seconds": round(o.seconds, 1),
                    "exit_code": o.exit_code,
                    "error": o.error,
                    "results": [json.loads(r.line()[len("BENCH_RESULT ") :]) for r in o.results],
                }
                for o in outcomes
            ],
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    raise SystemExit(1 if any(o.crashed for o in outcomes) else 0)


if __name__ == "__main__":
    main()
