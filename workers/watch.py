"""The scanner's drop folders: take each file once it is completely written, never lose one.

Candidates come from watchdog events and from a full walk every ``rescan_seconds`` (network
shares send no events). A taken file is hashed, its original stored, its scan registered and
queued, and only then moved to ``processing/``; if storage, index or Redis is unreachable it
stays where it is and is tried again later. State is in memory only: after a restart every
file still in a drop folder is simply seen again (the catch-up) and ``processing/`` is re-read.

A file whose dossier context is malformed (sidecar or folder name) is quarantined with that
reason, after its original has been stored: nothing is guessed and nothing is lost.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from schemas.errors import InvalidDossierContext, SohoaError, TransientError
from workers.context import context_for
from workers.filing import WorkLayout, move_with_sidecar, quarantine, quoted, reason_text
from workers.finish import Finisher
from workers.intake import ingest_file, store_original
from workers.maintenance import MaintenanceReport, requeue_lost_scans
from workers.queues import JobQueue, RqQueue
from workers.services import Services
from workers.stability import StabilityTracker, Verdict, is_candidate_name

log = logging.getLogger(__name__)


class PassReport(BaseModel):
    """What one pass did, as paths relative to their drop folder."""

    taken: list[str] = Field(default_factory=list)
    waiting: list[str] = Field(default_factory=list)
    kept: list[str] = Field(default_factory=list)  # a service was down: left in the folder
    done: list[str] = Field(default_factory=list)
    quarantined: list[str] = Field(default_factory=list)
    maintenance: MaintenanceReport | None = None


class DropWatcher:
    def __init__(
        self,
        services: Services,
        queue: JobQueue,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.queue = queue
        self.settings = services.settings.watch
        self.clock = clock
        self.roots = [Path(d).absolute() for d in self.settings.drop_dirs]
        self.layout = WorkLayout(self.settings.work_dir)
        for folder in (*self.roots, self.layout.processing):
            folder.mkdir(parents=True, exist_ok=True)
        self.tracker = StabilityTracker(
            self.settings.stable_seconds,
            self.settings.max_wait_seconds,
            poppler_path=services.settings.ocr.poppler_path,
            clock=clock,
        )
        self.finisher = Finisher(services, queue, self.layout, clock)
        self._events: set[Path] = set()
        self._lock = threading.Lock()
        self._hold: dict[Path, float] = {}  # not before this time (a service was down)
        self._next_rescan = 0.0
        self._next_maintenance = 0.0
        self._recovered = False

    # --- candidates ---------------------------------------------------------------------

    def notify(self, path: Path, *, folder: bool = False) -> None:
        """Called from watchdog's thread: a file changed, or a folder appeared (walk it)."""
        with self._lock:
            if folder:
                self._next_rescan = 0.0
            else:
                self._events.add(Path(path).absolute())

    def _walk(self) -> Iterator[Path]:
        for root in self.roots:
            for folder, dirs, files in os.walk(root):
                here = Path(folder)
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and not self.layout.contains(here / d)
                )
                for name in files:
                    yield here / name

    def _root_of(self, path: Path) -> Path | None:
        for root in self.roots:
            if root in path.parents:
                return root
        return None

    def _candidates(self, full: bool) -> set[Path]:
        with self._lock:
            events, self._events = self._events, set()
        found = self.tracker.pending | events | set(self._hold)
        if full:
            found.update(self._walk())
        return found

    # --- one pass -----------------------------------------------------------------------

    def scan_once(self, *, full: bool | None = None) -> PassReport:
        """Look at every candidate once, take the ready ones, file finished ones away."""
        report = PassReport()
        now = self.clock()
        if not self._recovered:
            self._recover()
        if full is None:
            full = now >= self._next_rescan
        if full:
            self._next_rescan = now + self.settings.rescan_seconds
        for path in sorted(self._candidates(full)):
            try:
                self._consider(path, report)
            except Exception:  # one file, whatever it does, never stops the pass
                log.exception("lỗi khi xét %s, sẽ thử lại / will retry", quoted(path))
                self._hold[path] = self.clock() + self.settings.retry_seconds
        if self._recovered:
            try:
                done, quarantined = self.finisher.finish()
                report.done += done
                report.quarantined += quarantined
            except TransientError as error:
                log.warning(
                    "chưa đọc được trạng thái các bản quét / scan states unread: %s", error.code
                )
        if isinstance(self.queue, RqQueue) and now >= self._next_maintenance:
            self._next_maintenance = now + self.settings.maintenance_seconds
            try:
                report.maintenance = requeue_lost_scans(self.services, self.queue)
            except TransientError as error:
                log.warning(
                    "bảo trì hàng đợi tạm hoãn / queue maintenance postponed: %s", error.code
                )
        return report

    def _recover(self) -> None:
        try:
            found = self.finisher.recover(self.roots[0])
        except TransientError as error:
            log.warning(
                "chưa khôi phục được thư mục processing/ / not recovered yet: %s", error.code
            )
            return
        self._recovered = True
        if found:
            log.warning(
                "tiếp tục theo dõi %d tệp còn trong processing/ / files resumed", len(found)
            )

    def _consider(self, path: Path, report: PassReport) -> None:
        root = self._root_of(path)
        if root is None or self.layout.contains(path) or not is_candidate_name(path.name):
            self.tracker.forget(path)
            return
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]):
            self.tracker.forget(path)
            return
        if self.clock() < self._hold.get(path, 0.0):
            report.kept.append(rel.as_posix())
            return
        if not_a_plain_file(path):
            self._refuse(path, rel, report)
            return
        verdict = self.tracker.observe(path)
        if verdict is Verdict.GONE:
            self._hold.pop(path, None)
        elif verdict is Verdict.WAIT:
            report.waiting.append(rel.as_posix())
        elif self._recovered:
            self._take(path, root, rel, report)
        else:
            report.waiting.append(rel.as_posix())  # processing/ not re-read yet: index down

    # --- taking a file ------------------------------------------------------------------

    def _keep(self, path: Path, rel: Path, error: SohoaError, report: PassReport) -> None:
        self._hold[path] = self.clock() + self.settings.retry_seconds
        report.kept.append(rel.as_posix())
        log.warning(
            "giữ lại %s trong thư mục quét (%s), sẽ thử lại / kept in the drop folder, will retry",
            quoted(rel),
            error.code,
        )

    def _refuse(self, path: Path, rel: Path, report: PassReport) -> None:
        """A link or a device is moved aside as it is: nothing it points to is read or stored."""
        self._forget(path)
        quarantine(self.layout, path, rel, reason_text(rel, NOT_A_FILE))
        report.quarantined.append(rel.as_posix())
        log.warning("cách ly %s: không phải tệp thường / not a regular file", quoted(rel))

    def _reject_context(
        self, path: Path, rel: Path, error: InvalidDossierContext, report: PassReport
    ) -> None:
        try:
            store_original(path, self.services)
        except TransientError as down:
            self._keep(path, rel, down, report)
            return
        quarantine(self.layout, path, rel, reason_text(rel, error.staff_message()))
        report.quarantined.append(rel.as_posix())
        log.warning(
            "cách ly %s: thông tin hồ sơ không hợp lệ / invalid dossier context (%s)",
            quoted(rel),
            error.detail,
        )

    def _take(self, path: Path, root: Path, rel: Path, report: PassReport) -> None:
        try:
            context = context_for(path, root)
        except InvalidDossierContext as error:
            self._forget(path)
            self._reject_context(path, rel, error, report)
            return
        try:
            # Only taken in: a batch scan is split by its job, never on this thread.
            receipt = ingest_file(path, context, self.services)
            if receipt.needs_processing and not self.queue.in_process:
                self.queue.enqueue_scan(receipt.scan_id)  # Redis down → the file stays
        except TransientError as error:
            self._keep(path, rel, error, report)
            return
        except (OSError, SohoaError) as error:  # vanished, unreadable: look again later
            self._hold[path] = self.clock() + self.settings.retry_seconds
            log.warning("chưa nhận được %s / not taken yet: %r", quoted(rel), error)
            return
        self._forget(path)
        moved = move_with_sidecar(path, self.layout.processing, rel)
        self.finisher.track(moved, receipt.scan_id, moved.relative_to(self.layout.processing))
        report.taken.append(rel.as_posix())
        dossier = context.dossier_code if context else "-"
        log.info(
            "đã nhận %s → bản quét #%d, hồ sơ %s / taken",
            quoted(rel),
            receipt.scan_id,
            dossier,
        )
        if self.queue.in_process and receipt.needs_processing:
            self.finisher.run_now(moved)

    def _forget(self, path: Path) -> None:
        self.tracker.forget(path)
        self._hold.pop(path, None)

    # --- the loop -----------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Pass after pass until ``stop`` is set; watchdog feeds events in between."""
        observer = _start_observer(self)
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    self.scan_once()
                except Exception:  # a bug must not stop the counter's intake: log, go on
                    log.exception("lỗi trong vòng theo dõi thư mục quét / watch loop error")
                if (took := time.monotonic() - started) > 10:
                    log.warning("một lượt quét mất %.0f giây / a pass took that long", took)
                stop.wait(self.settings.poll_seconds)
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)


NOT_A_FILE = (
    "Đây là liên kết (symlink) hoặc không phải tệp thường: sohoa không đọc tệp ở nơi khác qua "
    "liên kết. Hãy chép chính tệp bản quét vào thư mục quét.\n"
    "This is a link (symlink) or not a regular file: sohoa does not follow links. Copy the scan "
    "file itself into the drop folder."
)


def not_a_plain_file(path: Path) -> bool:
    """A symlink, or anything but a regular file (fifo, device); checked without following."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False  # gone: the tracker says so
    return not stat.S_ISREG(mode)


def _start_observer(watcher: DropWatcher) -> Any:
    """watchdog on every drop folder; without it (no inotify, share) the rescan still works."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                if raw:
                    watcher.notify(Path(os.fsdecode(raw)), folder=event.is_directory)

    observer = Observer()
    try:
        for root in watcher.roots:
            observer.schedule(Handler(), str(root), recursive=True)
        observer.start()
    except OSError as error:  # inotify limits, unsupported file system
        log.warning(
            "không theo dõi được sự kiện thư mục (%s); chỉ quét định kỳ / "
            "no folder events, periodic rescans only",
            error,
        )
        return None
    return observer
