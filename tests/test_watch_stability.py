"""A dropped file is taken only once it is completely written (no services, no OCR)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from workers.stability import StabilityTracker, Verdict, is_candidate_name, looks_complete


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, "PDF", resolution=100)
    return buffer.getvalue()


def _jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 200).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("scan.pdf", True),
        ("Căn cước.jpg", True),
        ("scan.pdf.part", False),
        ("scan.PDF.TMP", False),
        ("~$scan.docx", False),
        (".hidden.pdf", False),
        ("scan.pdf.json", False),
        ("scan.pdf.error.txt", False),
        ("Thumbs.db", False),
        ("anh.crdownload", False),
    ],
)
def test_temporary_and_system_names_are_not_scans(name: str, taken: bool) -> None:
    assert is_candidate_name(name) is taken


def test_format_end_markers(tmp_path: Path) -> None:
    pdf = _pdf_bytes()
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(pdf)
    half = tmp_path / "half.pdf"
    half.write_bytes(pdf[: len(pdf) // 2])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + b"\x00" * 500 + b"\n%%EOF\n")
    jpeg = _jpeg_bytes()
    (tmp_path / "whole.jpg").write_bytes(jpeg)
    (tmp_path / "half.jpg").write_bytes(jpeg[:-200])
    (tmp_path / "empty.png").write_bytes(b"")

    assert looks_complete(whole)
    assert not looks_complete(half)
    assert not looks_complete(garbage)  # has %%EOF, but pdfinfo cannot parse it
    assert looks_complete(tmp_path / "whole.jpg")
    assert not looks_complete(tmp_path / "half.jpg")
    assert not looks_complete(tmp_path / "empty.png")


def test_ready_only_after_quiet_period(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = StabilityTracker(2.0, 60.0, clock=clock)
    path = tmp_path / "scan.jpg"
    jpeg = _jpeg_bytes()
    path.write_bytes(jpeg[:300])
    assert tracker.observe(path) is Verdict.WAIT
    clock.now += 5
    path.write_bytes(jpeg)  # grew: the quiet period starts again
    assert tracker.observe(path) is Verdict.WAIT
    clock.now += 1.5
    assert tracker.observe(path) is Verdict.WAIT
    clock.now += 1.0
    assert tracker.observe(path) is Verdict.READY
    path.unlink()
    assert tracker.observe(path) is Verdict.GONE
    assert path not in tracker.pending


def test_sidecar_change_restarts_the_clock(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = StabilityTracker(2.0, 60.0, clock=clock)
    path = tmp_path / "scan.jpg"
    path.write_bytes(_jpeg_bytes())
    tracker.observe(path)
    clock.now += 3
    (tmp_path / "scan.jpg.json").write_text("{}")  # the counter app writes the context late
    assert tracker.observe(path) is Verdict.WAIT
    clock.now += 3
    assert tracker.observe(path) is Verdict.READY


def test_incomplete_file_waits_then_is_overdue(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = StabilityTracker(2.0, 30.0, clock=clock)
    path = tmp_path / "cut.pdf"
    path.write_bytes(_pdf_bytes()[:400])
    tracker.observe(path)
    clock.now += 10
    assert tracker.observe(path) is Verdict.WAIT  # stable but no %%EOF: maybe still coming
    clock.now += 25
    assert tracker.observe(path) is Verdict.OVERDUE  # take it; triage will say why


def test_folders_are_never_candidates(tmp_path: Path) -> None:
    tracker = StabilityTracker(0.0, 0.0)
    (tmp_path / "000.00.20.H12").mkdir()
    assert tracker.observe(tmp_path / "000.00.20.H12") is Verdict.GONE
    assert tracker.pending == set()
