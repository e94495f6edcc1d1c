"""``sohoa eval corpus`` and ``sohoa eval ocr``: labelled degraded samples, CER side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.evaluate.ocr import find_samples, without_preprocessing
from pipeline.ocr import drop_noise
from schemas.ocr import Box, Line, Word
from schemas.settings import Settings
from sohoa.cli import app
from sohoa.commands.eval_corpus import write_corpus


def _line(*words: tuple[str, float]) -> Line:
    box = Box(left=0, top=0, width=10, height=10)
    return Line(words=[Word(text=t, confidence=c, box=box) for t, c in words])


def test_noise_from_stamps_is_dropped_but_real_words_stay() -> None:
    lines = [
        _line(("Giới", 0.95), ("tính", 0.9), ("/", 0.02), ("Sex:", 0.03), ("Nữ", 0.4)),
        _line(("Q0", 0.38), ("9", 0.48), ("9", 0.56), ("4-2", 0.0)),  # a stamp
        _line(("@jooo2o9o9", 0.25), ("2", 0.56)),  # a signature
        _line(("Số:", 0.9), ("420/2024", 0.23), ("_", 0.1), ("—", 0.2)),
        _line(("Lớn,", 0.07), ('"#"', 0.27), ("(", 0.3)),
        _line(("^^“", 0.9)),
        _line(("PESHENEEENNENNNNNNNENRENRERENENNNNNENENEENSE.S", 0.3)),  # a broken frame line
    ]
    kept, dropped = drop_noise(lines, 0.6)
    assert [line.text for line in kept] == ["Giới tính / Sex: Nữ", "Số: 420/2024"]
    assert dropped == 4 + 2 + 2 + 3 + 1 + 1
    assert drop_noise(lines, 0.0) == (lines, 0)


def test_noise_filter_keeps_letter_spaced_words_single_letters_and_short_lines() -> None:
    lines = [
        _line(("aAàÀảẢãÃáÁạẠăĂằẰẳẲẵẴắẮặẶâÂ", 0.0)),  # letter-spaced: one "word", confidence 0
        _line(
            ("ơ", 0.3),
            ("Ơ", 0.35),
            ("ờ", 0.4),
            ("Ờ", 0.3),
            ("ở", 0.2),
            ("Ở", 0.3),
            ("ỡ", 0.2),
            ("Ỡ", 0.3),
        ),
        _line(("Ô", 0.92)),  # a short line: one letter read confidently
        _line(("a)", 0.88)),
    ]
    kept, dropped = drop_noise(lines, 0.6)
    assert [line.text for line in kept] == [line.text for line in lines]
    assert dropped == 0


def test_corpus_writes_images_truth_and_profile(tmp_path: Path) -> None:
    written = write_corpus(tmp_path, 3, seed=2, profiles=("rot180", "skew15_black"))
    assert [p.name.split("_")[1] for p in written] == ["rot180", "skew15", "rot180"]
    samples = find_samples(tmp_path)
    assert [s.profile for s in samples] == ["rot180", "skew15_black", "rot180"]
    truth = json.loads((tmp_path / f"{written[0].stem}.truth.json").read_text(encoding="utf-8"))
    assert samples[0].lines == truth["lines"] and truth["lines"]
    with pytest.raises(ValueError, match="unknown profiles"):
        write_corpus(tmp_path, 1, profiles=("sepia",))


def test_random_severity_labels_its_defects(tmp_path: Path) -> None:
    write_corpus(tmp_path, 4, seed=3, severity=1.0)
    labels = [s.profile for s in find_samples(tmp_path)]
    assert all(label.startswith("s1") for label in labels)


def test_without_preprocessing_turns_everything_off() -> None:
    bare = without_preprocessing(Settings())
    stages = bare.preprocess.model_dump()
    assert not any(v for k, v in stages.items() if isinstance(v, bool))
    assert bare.ocr.noise_confidence == 0.0


@pytest.mark.ocr
@pytest.mark.slow
def test_eval_commands_print_cer_side_by_side(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    made = runner.invoke(
        app, ["eval", "corpus", str(corpus), "--count", "2", "--profiles", "clean,rot180"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        app,
        ["eval", "ocr", str(corpus), "--compare", "--workers", "1", "--max-cer", "0.03"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "CER có tiền xử lý / with clean-up" in out and "CER không / without" in out
    assert "Trang/phút / pages per minute" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert set(rows) >= {"clean", "rot180", "Tổng / all"}
    with_, without = (float(cell.strip(" %")) for cell in rows["rot180"].split("│")[3:5])
    assert with_ <= 3.0 < 30.0 < without  # turned back upright vs read upside down


def test_eval_ocr_refuses_an_unlabelled_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "ocr", str(tmp_path)])
    assert result.exit_code == 2
