"""``sohoa reocr`` select / run / resume / status without running OCR (fake-engine results)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from schemas.reocr import ReocrFilters
from sohoa.cli import app
from storage.index.reocr import ReocrBatch
from tests.reocr_fakes import fast_settings, good_engine, stored_scans, weak_engine
from workers.reocr import start_batch
from workers.reocr_feed import Throttle, feed_inline
from workers.services import Services

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(tmp_path: Path, data_dir: Path) -> Services:
    opened = Services.open(fast_settings(data_dir))
    opened.engine = weak_engine()
    stored_scans(opened, tmp_path / "in", 3)
    return opened


def _sohoa(*args: str, data_dir: Path, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["reocr", *args, "--data-dir", str(data_dir)], input=stdin)
    return result.exit_code, result.output


def _cells(out: str, label: str) -> list[str]:
    """The cells of the table row holding ``label``."""
    line = next(line for line in out.splitlines() if label in line)
    return [cell.strip() for cell in line.split("│") if cell.strip()]


def _batches(services: Services) -> int:
    with services.index.session() as session:
        return int(session.scalar(select(func.count()).select_from(ReocrBatch)) or 0)


def test_select_counts_results_and_pages_per_type(services: Services, data_dir: Path) -> None:
    code, out = _sohoa("select", "--outdated", data_dir=data_dir)
    assert code == 0, out
    assert _cells(out, "id_card") == ["id_card", "3", "3"]
    assert _cells(out, "total") == ["tổng / total", "3", "3"]
    code, out = _sohoa("select", "--unit", "nowhere", "--needs-review", data_dir=data_dir)
    assert code == 0 and "id_card" not in out
    code, out = _sohoa("select", "--below-confidence", "2", data_dir=data_dir)
    assert code == 2  # out of range: refused before touching anything


def test_run_asks_first_and_creates_nothing_on_no(services: Services, data_dir: Path) -> None:
    code, out = _sohoa("run", "--outdated", data_dir=data_dir, stdin="n\n")
    assert code == 1 and "Re-OCR these?" in out
    code, out = _sohoa("run", "--doc-type", "birth_certificate", "--yes", data_dir=data_dir)
    assert code == 0 and "Nothing selected" in out
    assert _batches(services) == 0


def test_status_and_resume_of_a_batch(services: Services, data_dir: Path) -> None:
    services.engine = good_engine()
    batch_id = start_batch(services, ReocrFilters(outdated=True))
    feed_inline(services, batch_id, throttle=Throttle(0), max_items=1)

    code, out = _sohoa("status", str(batch_id), data_dir=data_dir)
    assert code == 0, out
    assert "interrupted" in out and "sohoa reocr resume" in out
    assert "1/3" in out  # pages finished

    feed_inline(services, batch_id, throttle=Throttle(0))
    code, out = _sohoa("resume", str(batch_id), data_dir=data_dir)  # nothing left to run
    assert code == 0, out
    assert "done" in out and "3/3" in out and "resume:" not in out
    # Not a terminal (a service's log): progress as plain lines, not only a final table.
    assert f"nhận dạng lại #{batch_id}: 3/3 trang · 3/3 mục · lỗi 0" in out
    assert _cells(out, "improved") == ["tốt hơn / improved", "3"]
    assert _cells(out, "promoted") == ["thành bản hiện hành / promoted", "3"]

    code, out = _sohoa("status", "999", data_dir=data_dir)
    assert code == 1 and "not_found" in out
