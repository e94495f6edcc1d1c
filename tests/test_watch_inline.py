"""``sohoa watch`` without Redis: files are processed in-process and filed by their outcome."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.cli import app
from storage.index.tables import Result, Scan
from tests.intake_helpers import fast_watch
from tests.samples_helpers import make_scan
from workers.queues import InlineQueue
from workers.services import Services
from workers.watch import DropWatcher

CODE = "000.00.20.H12-240315-0007"


@pytest.mark.ocr
def test_inline_watch_processes_good_and_quarantines_corrupt(settings: Settings) -> None:
    settings.ocr.searchable_pdf = False
    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    folder = drop / "000.00.20.H12" / CODE
    folder.mkdir(parents=True)
    make_scan(folder, DocType.ID_CARD, seed=21, fmt="jpeg", stem="Căn cước")
    (folder / "Căn cước.truth.json").unlink()
    (drop / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 300)
    watcher = DropWatcher(services, InlineQueue(services))
    done: list[str] = []
    quarantined: list[str] = []
    for _ in range(60):
        report = watcher.scan_once(full=True)
        done += report.done
        quarantined += report.quarantined
        if len(done) + len(quarantined) == 2:
            break
        time.sleep(0.1)
    assert done == [f"000.00.20.H12/{CODE}/Căn cước.jpg"]
    assert quarantined == ["hong.pdf"]  # no %%EOF: waited max_wait, then triage said why
    reason = (settings.watch.work_dir / "quarantine" / "hong.pdf.error.txt").read_text()
    assert "vui lòng quét lại" in reason and "please scan again" in reason
    with services.index.session() as session:
        result = session.scalars(select(Result)).one()
        assert result.doc_type == DocType.ID_CARD.value and result.dossier_code == CODE
        good, bad = sorted(session.scalars(select(Scan.state)))
        assert good in ("done", "needs_review") and bad == "quarantined"
    assert not any(p.is_file() for p in drop.rglob("*"))


def test_watch_command_until_idle_on_empty_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(
        app, ["watch", "--until-idle", "--data-dir", str(data)], env={"SOHOA_QUEUE__REDIS_URL": ""}
    )
    assert result.exit_code == 0, result.output
    assert "Đã dừng theo dõi" in result.output
    assert (data / "drop").is_dir()
