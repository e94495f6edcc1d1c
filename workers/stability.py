"""When a dropped file is completely written: the watcher takes nothing before that.

A file is ready when its size and mtime (and its sidecar's) have not changed for
``stable_seconds`` across observations, it is not empty, and its format's end marker is there
(``%%EOF`` plus a parse by pdfinfo for a PDF, EOI for a JPEG, IEND for a PNG). A file that keeps
looking incomplete but stops changing is taken after ``max_wait_seconds`` anyway, so triage
quarantines it with a reason instead of it sitting in the folder unexplained.
"""

from __future__ import annotations

import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pipeline.tools import poppler
from pipeline.triage import sniff
from schemas.documents import MediaType
from schemas.errors import CorruptFile, EncryptedFile, ToolMissing
from workers.context import SIDECAR_SUFFIX, sidecar_path

ERROR_SUFFIX = ".error.txt"
_TEMP_SUFFIXES = (
    ".part",
    ".partial",
    ".tmp",
    ".temp",
    ".crdownload",
    ".download",
    ".filepart",
    ".swp",
    ".lock",
    SIDECAR_SUFFIX,  # a sidecar travels with its file, it is never a scan itself
    ERROR_SUFFIX,
)
_SYSTEM_NAMES = {"thumbs.db", "desktop.ini"}

Signature = tuple[int, int, int, int]


class Verdict(StrEnum):
    GONE = "gone"  # the file disappeared (moved away, deleted by the scanner)
    WAIT = "wait"  # still being written, or not quiet for long enough yet
    READY = "ready"  # complete: take it
    OVERDUE = "overdue"  # looks incomplete but stopped changing long ago: take it for triage


def is_candidate_name(name: str) -> bool:
    """Hidden files, Office lock files (``~$…``), partial downloads and sidecars are not scans."""
    lower = name.lower()
    if not name or name.startswith((".", "~")):
        return False
    return not lower.endswith(_TEMP_SUFFIXES) and lower not in _SYSTEM_NAMES


def _tail(path: Path, size: int, length: int = 1024) -> bytes:
    with path.open("rb") as handle:
        handle.seek(max(size - length, 0))
        return handle.read(length)


def looks_complete(path: Path, *, poppler_path: str = "") -> bool:
    """Whether the file's format says it is whole (never raises for a bad file)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        with path.open("rb") as handle:
            media_type = sniff(handle.read(2048))
        tail = _tail(path, size)
    except OSError:
        return False
    if media_type is MediaType.PDF:
        if b"%%EOF" not in tail:
            return False
        try:
            poppler.pdf_info(path, poppler_path=poppler_path, timeout=30)
        except EncryptedFile:
            return True  # whole, just locked: triage says so
        except CorruptFile:
            return False
        except ToolMissing:
            return True  # a watcher host without poppler relies on %%EOF alone
        return True
    if media_type is MediaType.JPEG:
        return b"\xff\xd9" in tail[-64:]
    if media_type is MediaType.PNG:
        return b"IEND" in tail[-32:]
    return True  # TIFF has no trailer, unknown types are rejected by triage: stability only


@dataclass
class _Seen:
    signature: Signature
    since: float
    complete: bool | None = None


class StabilityTracker:
    """Remembers, in memory, since when each file has looked the same."""

    def __init__(
        self,
        stable_seconds: float,
        max_wait_seconds: float,
        *,
        poppler_path: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stable_seconds = stable_seconds
        self.max_wait_seconds = max_wait_seconds
        self.poppler_path = poppler_path
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    @property
    def pending(self) -> set[Path]:
        """Files seen and not yet ready: looked at again on every pass."""
        return set(self._seen)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def _signature(self, path: Path) -> Signature:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise FileNotFoundError(path)  # a folder, a socket…: never a scan
        try:
            side = sidecar_path(path).stat()
            extra = (side.st_size, side.st_mtime_ns)
        except FileNotFoundError:
            extra = (-1, -1)
        return st.st_size, st.st_mtime_ns, *extra

    def observe(self, path: Path) -> Verdict:
        try:
            signature = self._signature(path)
        except (FileNotFoundError, NotADirectoryError):
            self.forget(path)
            return Verdict.GONE
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or seen.signature != signature:
            self._seen[path] = _Seen(signature, now)
            return Verdict.WAIT
        quiet = now - seen.since
        if quiet < self.stable_seconds:
            return Verdict.WAIT
        if seen.complete is None:  # checked once per signature: pdfinfo is a process
            seen.complete = looks_complete(path, poppler_path=self.poppler_path)
        if seen.complete:
            return Verdict.READY
        return Verdict.OVERDUE if quiet >= self.max_wait_seconds else Verdict.WAIT
