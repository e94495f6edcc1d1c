"""Where sohoa's time goes on the benchmark pages, for whoever optimises the pipeline.

Two measurements, both on one core, one page after another:

1. ``workers.jobs.process_scan`` (download original → pipeline → upload artefacts → index
   commit, everything a worker's job does) in a fresh in-process deployment, with each known
   step wrapped by a meter (no profiler, so Python code is not slowed down): per page, its wall
   time and its CPU split between this Python process and child programs (Tesseract, poppler).
2. The Tesseract call itself, by output: the same cleaned page images sohoa stored, read with
   ``txt`` (what bare tesseract does), ``tsv`` (word boxes only), ``tsv pdf`` (a searchable PDF
   with the page image inside, what sohoa ran before 2026-11-24) and ``-c textonly_pdf=1 tsv
   pdf`` (text layer only, what sohoa runs and lays over its own JPEG page image); CPU seconds
   of the child processes,
   which background load changes much less than wall time.

    .venv/bin/python -m bench.profile_pipeline [--pages 8]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import Corpus, build_corpus

_LIBRARY = "pipeline.tools.tesseract_library"
# (label, module, function or Class.method); steps missing from the current code are skipped.
STEPS: list[tuple[str, str, str]] = [
    ("job total (process_scan)", "workers.jobs", "process_scan"),
    ("  pipeline (run_document)", "pipeline.runner", "run_document"),
    ("    triage", "pipeline.triage", "triage"),
    ("    rasterize / decode page", "pipeline.rasterize", "iter_pages"),
    ("    QR codes", "pipeline.codes", "decode_codes"),
    ("    clean-up (OpenCV)", "pipeline.preprocess", "clean_up"),
    ("    orientation (projection, OSD)", "pipeline.orientation", "orient"),
    ("    finish (upscale/binarize)", "pipeline.preprocess", "finish"),
    ("    write page PNG", "pipeline.ocr", "write_page_png"),
    ("    write engine input (BMP)", "pipeline.ocr", "write_engine_input"),
    ("    tesseract recognize (program)", "pipeline.tools.tesseract", "recognize"),
    ("    tesseract recognize (library)", _LIBRARY, "LibraryTesseract.recognize"),
    ("    tesseract OSD", "pipeline.tools.tesseract", "detect_orientation"),
    ("    searchable PDF page (image + text)", "pipeline.searchable_pdf", "compose_page"),
    ("    drop noise", "pipeline.ocr", "without_noise"),
    ("    classify + extract", "pipeline.extract", "extract"),
    ("    searchable PDF unite", "pipeline.tools.poppler", "unite"),
    ("  upload artefacts", "workers.artefacts", "upload_artefacts"),
    ("  index commit", "workers.jobs", "_commit"),
]
PACKAGES = ("pipeline", "workers", "storage")
VARIANTS: dict[str, list[str]] = {
    "txt (bare)": ["txt"],
    "tsv": ["tsv"],
    "tsv pdf (image inside)": ["tsv", "pdf"],
    "textonly_pdf tsv pdf (sohoa)": ["-c", "textonly_pdf=1", "tsv", "pdf"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Meter:
    """Inclusive wall, own-CPU and child-program CPU seconds of one step, over every call."""

    calls: int = 0
    wall: float = 0.0
    python_cpu: float = 0.0
    child_cpu: float = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        wall, own, kids = time.perf_counter(), _self_cpu(), _children_cpu()
        try:
            yield
        finally:
            self.calls += 1
            self.wall += time.perf_counter() - wall
            self.python_cpu += _self_cpu() - own
            self.child_cpu += _children_cpu() - kids


def _wrap(function: Callable[..., Any], meter: Meter) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            inner = function(*args, **kwargs)
            while True:
                with meter.timing():
                    try:
                        item = next(inner)
                    except StopIteration:
                        return
                yield item

        return generator

    @functools.wraps(function)
    def plain(*args: Any, **kwargs: Any) -> Any:
        with meter.timing():
            return function(*args, **kwargs)

    return plain


@contextmanager
def metered() -> Iterator[dict[str, Meter]]:
    """Time the STEPS wherever they are bound (``from x import f`` copies too), then undo."""
    meters: dict[str, Meter] = {}
    patched: list[tuple[Any, str, Any]] = []
    for label, module_name, name in STEPS:
        module = importlib.import_module(module_name)
        owner_name, _, method = name.rpartition(".")
        if owner_name:  # a method: patched on its class
            owner = getattr(module, owner_name, None)
            original = vars(owner).get(method) if owner is not None else None
            if original is not None:
                patched.append((owner, method, original))
                setattr(owner, method, _wrap(original, meters.setdefault(label, Meter())))
            continue
        function = getattr(module, name, None)
        if function is None:
            continue
        meter = meters.setdefault(label, Meter())
        wrapper = _wrap(function, meter)
        for loaded_name, loaded in list(sys.modules.items()):
            if loaded is None or not loaded_name.startswith(PACKAGES):
                continue
            for attribute, value in list(vars(loaded).items()):
                if value is function:
                    patched.append((loaded, attribute, value))
                    setattr(loaded, attribute, wrapper)
    try:
        yield meters
    finally:
        for module, attribute, value in reversed(patched):
            setattr(module, attribute, value)


def profile_jobs(corpus: Corpus, work: Path) -> dict[str, Any]:
    """process_scan on every page in this process, each known step metered (no profiler)."""
    from schemas.dossiers import DossierContext
    from schemas.settings import Settings
    from workers.intake import ingest_file
    from workers.services import Services

    settings = Settings.rooted_at(work)
    services = Services.open(settings)
    services.load_tesseract_once()  # as in a worker's horse
    ids = []
    for number, page in enumerate(corpus.pages, start=1):
        context = DossierContext(
            dossier_code=f"000.00.20.H12-240315-{number:04d}", component="Thành phần hồ sơ"
        )
        ids.append(ingest_file(page, context, services).scan_id)
    with metered() as meters:
        from workers import jobs

        for scan_id in ids:
            jobs.process_scan(scan_id, services)
    services.index.dispose()
    pages = max(corpus.count, 1)
    return {
        "pages": corpus.count,
        "per_page": {
            label: {
                "wall_s": round(m.wall / pages, 3),
                "python_cpu_s": round(m.python_cpu / pages, 3),
                "child_cpu_s": round(m.child_cpu / pages, 3),
            }
            for label, m in meters.items()
            if m.calls
        },
        "stored_pages": sorted(
            str(p) for p in (work / "objects" / "derived").glob("*/v1/page-0001.png")
        ),
    }


def _tesseract_cpu(image: Path, out: Path, outputs: list[str], dpi: int) -> float:
    before = _children_cpu()
    args = ["tesseract", str(image), str(out), "-l", "vie", "--psm", "3", "--dpi", str(dpi)]
    subprocess.run(
        [*args, *outputs],
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
        capture_output=True,
        check=True,
        timeout=600,
    )
    return _children_cpu() - before


def tesseract_variants(corpus: Corpus, cleaned: list[Path], work: Path) -> dict[str, float]:
    """Child CPU seconds per page of each Tesseract output choice on sohoa's cleaned pages."""
    from PIL import Image

    totals = {"txt on original page (bare)": 0.0} | {name: 0.0 for name in VARIANTS}
    for page in corpus.pages:
        totals["txt on original page (bare)"] += _tesseract_cpu(page, work / "o", ["txt"], 300)
    for image in cleaned:
        with Image.open(image) as opened:
            dpi = round(float(opened.info.get("dpi", (300, 300))[0])) or 300
        for name, outputs in VARIANTS.items():
            totals[name] += _tesseract_cpu(image, work / "v", outputs, dpi)
    pages = max(len(cleaned), 1)
    return {name: round(total / pages, 3) for name, total in totals.items()}


def run(corpus: Corpus) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        jobs = profile_jobs(corpus, work / "data")
        cleaned = [Path(p) for p in jobs.pop("stored_pages")]
        variants = tesseract_variants(corpus, cleaned, work)
    return {"jobs": jobs, "tesseract_cpu_s_per_page": variants}


def show(profile: dict[str, Any]) -> None:
    """Per page, each step's wall time and CPU split between Python and child programs."""
    jobs = profile["jobs"]
    print(f"\nper page, {jobs['pages']} jobs in one process (steps include their sub-steps):")
    print(f"  {'step':<40}{'wall s':>9}{'Python CPU':>12}{'child CPU':>11}")
    for label, step in jobs["per_page"].items():
        print(
            f"  {label:<40}{step['wall_s']:>9.3f}{step['python_cpu_s']:>12.3f}"
            f"{step['child_cpu_s']:>11.3f}"
        )
    print("tesseract CPU seconds per page, by output (same pages, cleaned by sohoa):")
    for name, seconds in profile["tesseract_cpu_s_per_page"].items():
        print(f"  {name:<40}{seconds:>9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Where sohoa's time goes, step by step.")
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args()
    corpus = build_corpus(
        Path(tempfile.gettempdir()) / f"sohoa-bench-corpus-{args.pages}", args.pages
    )
    profile = run(corpus)
    show(profile)
    print(json.dumps(profile, indent=2))


if __name__ == "__main__":
    main()
