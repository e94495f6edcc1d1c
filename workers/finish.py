"""Files waiting in ``processing/`` for their scan's outcome, and moving them on.

The watcher hands each file it took to the finisher with the scan it belongs to (several files
can wait for one scan: duplicates). Every pass reads those scans' states from the index and
files each one under ``done/`` or ``quarantine/`` (with its reason). After a restart the map is
rebuilt by hashing what is left in ``processing/``. In-process mode (no Redis) also runs the
jobs here, again after a transient failure or a crash of the previous run.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from pipeline.triage import sha256_file
from schemas.errors import TransientError
from schemas.records import ScanState
from storage.index.tables import Scan
from workers.filing import (
    WorkLayout,
    move_with_sidecar,
    prune_empty_dirs,
    quarantine,
    quoted,
    reason_text,
)
from workers.intake import scan_id_for
from workers.maintenance import give_up_if_exhausted
from workers.queues import JobQueue
from workers.services import Services
from workers.stability import is_candidate_name

log = logging.getLogger(__name__)
_TO_DONE = {ScanState.DONE.value, ScanState.NEEDS_REVIEW.value, ScanState.SPLIT.value}
_TO_QUARANTINE = {ScanState.QUARANTINED.value, ScanState.FAILED.value}


@dataclass
class Tracked:
    scan_id: int
    rel: Path  # relative to the drop folder, kept under processing/, done/, quarantine/
    retry_at: float = 0.0


class Finisher:
    def __init__(
        self,
        services: Services,
        queue: JobQueue,
        layout: WorkLayout,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.queue = queue
        self.layout = layout
        self.clock = clock
        self.tracked: dict[Path, Tracked] = {}

    def track(self, path: Path, scan_id: int, rel: Path) -> None:
        self.tracked[path] = Tracked(scan_id, rel)

    def recover(self, drop_root: Path) -> list[Path]:
        """Track what an earlier run left in processing/; a file the index does not know
        goes back to the drop folder to be taken again. Returns the files tracked."""
        found = []
        for folder, dirs, files in os.walk(self.layout.processing):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                if not is_candidate_name(name) or path in self.tracked:
                    continue
                rel = path.relative_to(self.layout.processing)
                scan_id = scan_id_for(sha256_file(path), self.services)
                if scan_id is None:
                    move_with_sidecar(path, drop_root, rel)
                    continue
                self.track(path, scan_id, rel)
                found.append(path)
        return found

    def run_now(self, path: Path) -> None:
        """In-process mode: run the scan's job here; a transient failure waits a while."""
        entry = self.tracked[path]
        if give_up_if_exhausted(entry.scan_id, self.services):
            return
        try:
            self.queue.enqueue_scan(entry.scan_id)
        except TransientError as error:
            entry.retry_at = self.clock() + self.services.settings.watch.retry_seconds
            log.warning(
                "bản quét #%s chưa xử lý được (%s), sẽ thử lại / not processed yet, will retry",
                entry.scan_id,
                error.code,
            )

    def _states(self) -> dict[int, tuple[str, str]]:
        ids = {entry.scan_id for entry in self.tracked.values()}
        with self.services.index.session() as session:
            rows = session.execute(
                select(Scan.id, Scan.state, Scan.error_message).where(Scan.id.in_(ids))
            ).all()
        return {scan_id: (state, message) for scan_id, state, message in rows}

    def finish(self) -> tuple[list[str], list[str]]:
        """Move files whose scan has an outcome; (done, quarantined) relative paths."""
        done: list[str] = []
        quarantined: list[str] = []
        if not self.tracked:
            return done, quarantined
        states = self._states()
        rerun: set[int] = set()
        for path, entry in list(self.tracked.items()):
            state, message = states.get(entry.scan_id, ("", ""))
            if state in _TO_DONE:
                move_with_sidecar(path, self.layout.done, entry.rel)
                done.append(entry.rel.as_posix())
                log.info("xong %s (bản quét #%s) / done", quoted(entry.rel), entry.scan_id)
            elif state in _TO_QUARANTINE:
                reason = reason_text(entry.rel, message, entry.scan_id)
                quarantine(self.layout, path, entry.rel, reason)
                quarantined.append(entry.rel.as_posix())
                log.warning(
                    "cách ly %s / quarantined: %s",
                    quoted(entry.rel),
                    (message.splitlines() or ["?"])[0],
                )
            else:
                due = self.queue.in_process and self.clock() >= entry.retry_at
                if due and state and entry.scan_id not in rerun:
                    rerun.add(entry.scan_id)
                    self.run_now(path)
                continue
            del self.tracked[path]
            prune_empty_dirs(path.parent, self.layout.processing)
        return done, quarantined
