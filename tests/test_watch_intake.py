"""The drop-folder watcher on embedded services, with a queue that only records (no OCR)."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas.dossiers import DossierContext
from schemas.errors import StorageUnavailable
from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from storage import keys
from storage.index.scans import get_scan
from storage.index.tables import Dossier, DossierComponent, Scan
from tests.intake_helpers import RecordingQueue, fast_watch
from tests.samples_helpers import make_scan
from workers.context import write_sidecar
from workers.services import Services
from workers.watch import DropWatcher, PassReport

UNIT = "000.00.20.H12"
CODE = f"{UNIT}-240315-0007"


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.open(fast_watch(settings))


@pytest.fixture
def drop(services: Services) -> Path:
    return services.settings.watch.drop_dirs[0]


def _scan(folder: Path, seed: int, stem: str, fmt: str = "png") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path, _ = make_scan(folder, DocType.ID_CARD, seed=seed, fmt=fmt, stem=stem)  # type: ignore[arg-type]
    for truth in folder.glob("*.truth.json"):
        truth.unlink()
    return path


def _passes(watcher: DropWatcher, count: int = 8, pause: float = 0.12) -> list[PassReport]:
    reports = []
    for _ in range(count):
        reports.append(watcher.scan_once(full=True))
        time.sleep(pause)
    return reports


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _set_state(services: Services, scan_id: int, state: ScanState, message: str = "") -> None:
    """What a worker elsewhere would have recorded (set up directly: no job runs here)."""
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        scan.state, scan.error_message = state.value, message


def test_file_growing_is_not_taken_until_complete(services: Services, drop: Path) -> None:
    source = _scan(drop.parent / "src", 1, "the")
    data = source.read_bytes()
    target = drop / "the.png"
    finished = threading.Event()

    def write_slowly() -> None:
        with target.open("wb") as handle:
            for start in range(0, len(data), len(data) // 12):
                handle.write(data[start : start + len(data) // 12])
                handle.flush()
                time.sleep(0.1)
        finished.set()

    queue = RecordingQueue()
    watcher = DropWatcher(services, queue)
    writer = threading.Thread(target=write_slowly)
    writer.start()
    taken_while_writing = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not queue.enqueued:
        report = watcher.scan_once(full=True)
        if report.taken and not finished.is_set():
            taken_while_writing.append(report.taken)
        time.sleep(0.05)
    writer.join()
    assert not taken_while_writing
    assert len(queue.enqueued) == 1
    with services.index.session() as session:
        scan = get_scan(session, queue.enqueued[0])
        assert scan.sha256 == hashlib.sha256(data).hexdigest()  # the whole file, not a part
    assert (services.settings.watch.work_dir / "processing" / "the.png").read_bytes() == data


def test_temporary_and_hidden_files_are_left_alone(services: Services, drop: Path) -> None:
    good = _scan(drop, 2, "good")
    ignored = [drop / "a.pdf.part", drop / "~$b.docx", drop / ".c.pdf", drop / ".tmpdir" / "d.pdf"]
    for path in ignored:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(good.read_bytes())
    queue = RecordingQueue()
    _passes(DropWatcher(services, queue))
    assert len(queue.enqueued) == 1
    assert _files(drop) == {"a.pdf.part", "~$b.docx", ".c.pdf", ".tmpdir/d.pdf"}
    assert _files(services.settings.watch.work_dir) == {"processing/good.png"}


def test_sidecar_and_folder_convention_give_the_dossier(services: Services, drop: Path) -> None:
    with_sidecar = _scan(drop, 3, "giay")
    write_sidecar(with_sidecar, DossierContext(dossier_code=CODE, component="Giấy khai sinh"))
    _scan(drop / UNIT / f"{UNIT}-240316-0002", 4, "Căn cước")
    _passes(DropWatcher(services, RecordingQueue()))
    with services.index.session() as session:
        rows = session.execute(
            select(Dossier.code, Dossier.unit_code, DossierComponent.name).join(
                DossierComponent, DossierComponent.dossier_id == Dossier.id
            )
        ).all()
    assert sorted(rows) == [
        (CODE, UNIT, "Giấy khai sinh"),
        (f"{UNIT}-240316-0002", UNIT, "Căn cước"),
    ]
    assert _files(services.settings.watch.work_dir / "processing") == {
        "giay.png",
        "giay.png.json",
        f"{UNIT}/{UNIT}-240316-0002/Căn cước.png",
    }


def test_malformed_dossier_code_is_quarantined_with_reason(services: Services, drop: Path) -> None:
    bad_sidecar = _scan(drop, 5, "sai")
    bad_sidecar.with_name("sai.png.json").write_text('{"dossier_code": "H12-2403-7"}', "utf-8")
    _scan(drop / UNIT / "ho-so-thang-3", 6, "Căn cước")
    queue = RecordingQueue()
    _passes(DropWatcher(services, queue))
    quarantine = services.settings.watch.work_dir / "quarantine"
    assert _files(quarantine) == {
        "sai.png",
        "sai.png.json",
        "sai.png.error.txt",
        f"{UNIT}/ho-so-thang-3/Căn cước.png",
        f"{UNIT}/ho-so-thang-3/Căn cước.png.error.txt",
    }
    reason = (quarantine / "sai.png.error.txt").read_text("utf-8")
    assert "mã hồ sơ phải có dạng" in reason and "dossier code must look like" in reason
    assert "H12-2403-7" in reason and "invalid_dossier_context" in reason
    folder_reason = quarantine / UNIT / "ho-so-thang-3" / "Căn cước.png.error.txt"
    assert "'ho-so-thang-3' không phải mã hồ sơ" in folder_reason.read_text("utf-8")
    assert queue.enqueued == []
    with services.index.session() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 0
    stored = hashlib.sha256((quarantine / "sai.png").read_bytes()).hexdigest()
    assert services.store.exists(keys.original_key(stored))  # nothing lost


def test_duplicate_drop_is_one_scan_and_both_files_are_filed(
    services: Services, drop: Path
) -> None:
    first = _scan(drop / UNIT / CODE, 7, "Căn cước")
    copy = drop / UNIT / f"{UNIT}-240316-0001" / "Căn cước.png"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(first.read_bytes())
    queue = RecordingQueue()
    watcher = DropWatcher(services, queue)
    _passes(watcher)
    assert len(set(queue.enqueued)) == 1
    with services.index.session() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 1
        assert session.scalar(select(func.count()).select_from(DossierComponent)) == 2
    _set_state(services, queue.enqueued[0], ScanState.DONE)
    report = watcher.scan_once()
    assert sorted(report.done) == sorted(
        [f"{UNIT}/{CODE}/Căn cước.png", f"{UNIT}/{UNIT}-240316-0001/Căn cước.png"]
    )
    assert _files(services.settings.watch.work_dir) == {
        f"done/{UNIT}/{CODE}/Căn cước.png",
        f"done/{UNIT}/{UNIT}-240316-0001/Căn cước.png",
    }


def test_quarantined_scan_gets_its_reason_file(services: Services, drop: Path) -> None:
    _scan(drop, 8, "mo")
    queue = RecordingQueue()
    watcher = DropWatcher(services, queue)
    _passes(watcher, 5)
    message = "Tệp bị hỏng.\nThe file is corrupt.\nMã lỗi / code: corrupt_file"
    _set_state(services, queue.enqueued[0], ScanState.QUARANTINED, message)
    assert watcher.scan_once().quarantined == ["mo.png"]
    reason = (services.settings.watch.work_dir / "quarantine" / "mo.png.error.txt").read_text()
    assert "Tệp bị hỏng." in reason and "The file is corrupt." in reason
    assert f"scan ID: {queue.enqueued[0]}" in reason


def test_restarted_watcher_picks_up_processing_folder(services: Services, drop: Path) -> None:
    _scan(drop, 9, "dang-xu-ly")
    queue = RecordingQueue()
    _passes(DropWatcher(services, queue), 5)
    assert _files(services.settings.watch.work_dir) == {"processing/dang-xu-ly.png"}
    _set_state(services, queue.enqueued[0], ScanState.NEEDS_REVIEW)
    again = DropWatcher(services, RecordingQueue())  # a new process: nothing in memory
    assert again.scan_once().done == ["dang-xu-ly.png"]


class FlakyStore:
    """Object storage that is down until ``up`` is set."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.up = False

    def put_immutable(self, *args: object, **kwargs: object) -> bool:
        if not self.up:
            raise StorageUnavailable("test: MinIO down")
        return self.inner.put_immutable(*args, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_storage_down_keeps_file_in_drop_then_takes_it(services: Services, drop: Path) -> None:
    flaky = FlakyStore(services.store)
    services.store = flaky  # type: ignore[assignment]
    _scan(drop, 10, "cho")
    queue = RecordingQueue()
    watcher = DropWatcher(services, queue)
    reports = _passes(watcher, 6)
    assert any(r.kept == ["cho.png"] for r in reports)
    assert (drop / "cho.png").exists() and queue.enqueued == []
    flaky.up = True
    _passes(watcher, 6)
    assert not (drop / "cho.png").exists() and len(queue.enqueued) == 1
