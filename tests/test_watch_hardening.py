"""Drop-folder hardening (#20): no single file stops a pass; links are never followed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from schemas.dossiers import DossierContext
from schemas.errors import InvalidDossierContext
from schemas.fields import DocType
from schemas.settings import IndexSettings, Settings
from storage.index.tables import Scan
from tests.intake_helpers import fast_watch
from tests.samples_helpers import make_scan
from workers.context import context_for
from workers.queues import InlineQueue
from workers.services import Services
from workers.watch import DropWatcher

CODE = "000.00.20.H12-240315-0007"


def _run(watcher: DropWatcher, until: int) -> tuple[list[str], list[str]]:
    taken: list[str] = []
    quarantined: list[str] = []
    for _ in range(80):
        report = watcher.scan_once(full=True)
        taken += report.taken
        quarantined += report.quarantined
        if len(taken) + len(quarantined) >= until:
            break
        time.sleep(0.1)
    return taken, quarantined


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("field", "x" * 121),
        ("component", "y" * 201),
        ("unit_code", "000.00.20.H12" + "9" * 40),
        ("unit_code", "../../etc"),
        ("unit_code", ".."),
        ("unit_code", "000.00.20.H99"),  # another unit than the dossier code's own
        ("procedure_code", "z" * 41),
    ],
)
def test_sidecar_values_are_checked_before_anything_is_stored(
    tmp_path: Path, key: str, value: str
) -> None:
    scan = tmp_path / "a.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sidecar = {"dossier_code": CODE, "component": "Căn cước", key: value}
    (tmp_path / "a.pdf.json").write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(InvalidDossierContext) as caught:
        context_for(scan, tmp_path)
    assert key in str(caught.value.detail) or "đơn vị" in str(caught.value.detail)


def test_a_folder_named_dot_dot_is_no_unit() -> None:
    with pytest.raises(ValueError):
        DossierContext(dossier_code="..-240315-0007")


@pytest.mark.postgres
def test_an_overlong_sidecar_value_never_stops_the_watcher(
    settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    settings.index = IndexSettings(url=postgres_url)
    settings.ocr.searchable_pdf = False
    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    bad, _ = make_scan(drop, DocType.ID_CARD, seed=31, stem="a-overlong")
    sidecar = {"dossier_code": CODE, "component": "Căn cước", "field": "F" * 300}
    (drop / f"{bad.name}.json").write_text(json.dumps(sidecar), encoding="utf-8")
    good, _ = make_scan(drop, DocType.ID_CARD, seed=32, stem="b-good")
    (drop / f"{good.name}.json").write_text(
        json.dumps({"dossier_code": CODE, "component": "Căn cước"}), encoding="utf-8"
    )
    for truth in drop.glob("*.truth.json"):
        truth.unlink()
    taken, quarantined = _run(DropWatcher(services, InlineQueue(services)), until=2)
    assert quarantined == [bad.name] and taken == [good.name]
    reason = (settings.watch.work_dir / "quarantine" / f"{bad.name}.error.txt").read_text()
    assert "field" in reason and "120" in reason


def test_symlinks_in_the_drop_folder_are_refused_not_followed(settings: Settings) -> None:
    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    outside = settings.data_dir / "outside.png"
    make_scan(settings.data_dir, DocType.ID_CARD, seed=33, stem="outside")
    secret = settings.data_dir / "hostname"
    secret.write_text("may-chu-noi-bo\n", encoding="utf-8")
    os.symlink(secret, drop / "hostname.pdf")
    os.symlink(outside, drop / "anh.png")
    taken, quarantined = _run(DropWatcher(services, InlineQueue(services)), until=2)
    assert taken == [] and sorted(quarantined) == ["anh.png", "hostname.pdf"]
    parked = settings.watch.work_dir / "quarantine"
    assert (parked / "anh.png").is_symlink()  # the link itself was moved, nothing it points to
    assert "liên kết" in (parked / "anh.png.error.txt").read_text()
    assert secret.read_text(encoding="utf-8") == "may-chu-noi-bo\n" and outside.is_file()
    with services.index.session() as session:
        assert session.scalars(select(Scan)).all() == []  # nothing stored, nothing OCR'd


def test_a_newline_in_a_file_name_cannot_split_a_log_line(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A file named to forge a second log line ("…\\n… đã nhận …") is logged as one quoted name."""
    from tests.intake_helpers import RecordingQueue

    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    path, _ = make_scan(drop, DocType.ID_CARD, seed=34, stem="the")
    forged = path.with_name("the\n2026-12-05 INFO đã nhận gia-mao.png")
    path.rename(forged)
    for truth in drop.glob("*.truth.json"):
        truth.unlink()
    caplog.set_level("INFO", logger="workers")
    taken, _ = _run(DropWatcher(services, RecordingQueue()), until=1)
    assert len(taken) == 1
    lines = [record.getMessage() for record in caplog.records if "đã nhận" in record.getMessage()]
    assert lines and all("\n" not in line for line in lines)
    assert any("\\n2026-12-05 INFO" in line for line in lines)  # the name, escaped, on one line
