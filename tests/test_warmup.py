"""Workers warm the pipeline up before forking horses, so each job does not set it up again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.runner import run_document
from pipeline.warmup import warm_page
from schemas.settings import Settings

pytestmark = pytest.mark.ocr

_PROBE = """
import json, sys, tempfile
from pathlib import Path
from pipeline.ocr import TesseractEngine
from pipeline.warmup import warm_up
from schemas.settings import Settings
settings = Settings.rooted_at(Path(tempfile.mkdtemp()))
before = set(sys.modules)
seconds = warm_up(settings, TesseractEngine(settings.ocr))
from pipeline import places
from pipeline.extract import official_words
tables = (places.known_units, places.unit_names, places.all_unit_names, places.unit_words,
          official_words._vocabulary, official_words._units)
cached = {f.__name__: f.cache_info().currsize for f in tables}
print(json.dumps({"seconds": seconds, "loaded": sorted(set(sys.modules) - before),
                  "cached": cached}))
"""


def test_warm_up_loads_what_a_job_would_load_lazily() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["seconds"] > 0
    loaded = set(found["loaded"])
    # Every document type's rules (imported on first extraction; the classifier is no longer
    # lazy: it is imported with pipeline.extract).
    for name in ("id_card", "birth_certificate", "marriage_certificate", "death_certificate"):
        assert f"pipeline.extract.{name}" in loaded
    # The places and the header vocabulary (a second and more to build) are built once, here:
    # a work horse reading an official letter finds them ready.
    assert found["cached"] == dict.fromkeys(found["cached"], 1)
    assert set(found["cached"]) >= {"unit_names", "unit_words", "_units"}


def test_warm_page_is_read_as_a_birth_certificate(tmp_path: Path, settings: Settings) -> None:
    output = run_document(warm_page(tmp_path / "warm.png"), tmp_path / "work", settings)
    assert "KHAI SINH" in output.result.ocr.pages[0].text.upper()
    assert output.result.extraction.doc_type.value == "birth_certificate"
