"""``sohoa eval ocr`` on folders of real scans: sohoa beside plain Tesseract, file by file."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.evaluate.cer import score
from pipeline.evaluate.real_scans import find_real_samples
from schemas.fields import DocType
from sohoa.cli import app
from sohoa.samples import build_document, render

REAL_SCANS = Path(__file__).resolve().parents[2] / "shared" / "realscans"


def _labelled(folder: Path, name: str, seed: int) -> str:
    """A rendered certificate saved as ``name`` with its printed text in ``name.gt.txt``."""
    doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(seed))
    folder.mkdir(parents=True, exist_ok=True)
    render(doc).convert("L").save(folder / name)
    truth = "\n".join(doc.lines)
    (folder / f"{name}.gt.txt").write_text(truth, encoding="utf-8")
    return truth


def test_pairs_are_found_in_sub_folders_with_their_spacing_rule(tmp_path: Path) -> None:
    _labelled(tmp_path / "letters", "a.png", 1)
    _labelled(tmp_path / "sheets", "b.png", 2)
    (tmp_path / "letters" / "unlabelled.png").write_bytes(b"")
    (tmp_path / "notes.gt.txt").write_text("no file beside me", encoding="utf-8")
    samples = find_real_samples(tmp_path)
    assert [(s.name, s.group, s.spaces) for s in samples] == [
        ("letters/a.png", "letters", True),
        ("sheets/b.png", "sheets", False),
    ]


def test_spaceless_comparison_ignores_word_spaces_only() -> None:
    assert score("bà y băng", "bàybăng", spaces=False).edits == 0
    assert score("bà y băng", "bàybăng").edits == 2
    assert score("bà y bǎng", "bàybăng", spaces=False).edits == 1


@pytest.mark.ocr
@pytest.mark.slow
def test_json_report_scores_both_readers_per_file_folder_and_total(tmp_path: Path) -> None:
    _labelled(tmp_path / "letters", "a.png", 1)
    truth = _labelled(tmp_path / "notices", "b.png", 2)
    # A wrong truth for the second file: both readers must score badly on it.
    (tmp_path / "notices" / "b.png.gt.txt").write_text(truth[::-1], encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "ocr", str(tmp_path), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    files = {f["name"]: f for f in report["files"]}
    assert set(files) == {"letters/a.png", "notices/b.png"}
    good, bad = files["letters/a.png"], files["notices/b.png"]
    assert good["sohoa_cer"] < 0.03 and good["tesseract_cer"] < 0.05
    assert bad["sohoa_cer"] > 0.5 and bad["tesseract_cer"] > 0.5
    assert set(report["groups"]) == {"letters", "notices"}
    total = report["total"]
    assert total["pages"] == 2 and total["sohoa_cpu_seconds_per_page"] > 0
    chars = good["truth_chars"] + bad["truth_chars"]
    pooled = (
        good["sohoa_cer"] * good["truth_chars"] + bad["sohoa_cer"] * bad["truth_chars"]
    ) / chars
    assert total["sohoa_cer"] == pytest.approx(pooled)
    refused = CliRunner().invoke(
        app, ["eval", "ocr", str(tmp_path), "--workers", "1", "--max-ratio", "0.0001"]
    )
    assert refused.exit_code == 1


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.skipif(not REAL_SCANS.is_dir(), reason="../shared/realscans is not here")
def test_real_scans_read_better_than_plain_tesseract() -> None:
    """The issue's bar: 0.8 × plain Tesseract's CER in all, no file a point behind it."""
    result = CliRunner().invoke(app, ["eval", "ocr", str(REAL_SCANS), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"]["ratio"] <= 0.8
    behind = {f["name"]: f["points_worse"] for f in report["files"] if f["points_worse"] > 1.0}
    assert not behind
