"""``sohoa extract`` on a generated birth certificate prints the holder's fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from pipeline.evaluate.cer import score
from schemas.fields import DocType
from sohoa.cli import app
from sohoa.errors import EXIT_INPUT_REJECTED
from sohoa.samples import COUNTER
from tests.samples_helpers import make_scan

runner = CliRunner()


@pytest.mark.ocr
def test_extract_json_birth_certificate(tmp_path: Path) -> None:
    path, doc = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=21, profile=COUNTER, fmt="pdf")
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["doc_type"] == "birth_certificate"
    assert data["pages"] == 1
    for name in ("full_name", "date_of_birth", "id_number"):
        assert data["fields"][name]["value"] == doc.fields[name]
        assert 0.0 < data["fields"][name]["confidence"] <= 1.0
    assert isinstance(data["needs_review"], bool)
    assert score(data["text"], "\n".join(doc.lines)).cer < 0.03


@pytest.mark.ocr
def test_extract_json_text_separates_pages_by_form_feed(tmp_path: Path) -> None:
    first, doc = make_scan(tmp_path / "a", DocType.BIRTH_CERTIFICATE, seed=3, profile=COUNTER)
    second, other = make_scan(tmp_path / "b", DocType.DEATH_CERTIFICATE, seed=4, profile=COUNTER)
    pages = [Image.open(first), Image.open(second)]
    both = tmp_path / "both.tiff"
    pages[0].save(both, save_all=True, append_images=pages[1:], dpi=(300, 300))
    result = runner.invoke(app, ["extract", str(both), "--json"])
    assert result.exit_code == 0, result.output
    texts = json.loads(result.stdout)["text"].split("\f")
    assert len(texts) == 2
    assert score(texts[0], "\n".join(doc.lines)).cer < 0.03
    assert score(texts[1], "\n".join(other.lines)).cer < 0.03


def test_extract_rejects_wrong_type_with_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    path.write_text("không phải PDF", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == EXIT_INPUT_REJECTED
    assert "PDF, TIFF, JPEG, PNG" in result.output
