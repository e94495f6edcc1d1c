"""Where taken files go: ``processing/``, then ``done/`` or ``quarantine/`` under the work folder.

Each keeps its path relative to the drop folder (``<unit>/<dossier>/<component>.pdf``), its
sidecar travels with it, and a quarantined file gets ``<file>.error.txt`` saying why, in
Vietnamese and English. Moves work across file systems (a network share to a local disk);
a name already taken gets `` (2)``, `` (3)``… so nothing is ever overwritten.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from workers.context import sidecar_path
from workers.stability import ERROR_SUFFIX


class WorkLayout:
    """The three folders under ``work_dir``."""

    def __init__(self, work_dir: Path) -> None:
        self.root = Path(work_dir).absolute()
        self.processing = self.root / "processing"
        self.done = self.root / "done"
        self.quarantine = self.root / "quarantine"

    def contains(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents


def _free_name(target: Path) -> Path:
    if not target.exists() and not sidecar_path(target).exists():
        return target
    for number in range(2, 10_000):
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists() and not sidecar_path(candidate).exists():
            return candidate
    raise FileExistsError(target)


def move_with_sidecar(path: Path, dest_root: Path, rel: Path) -> Path:
    """Move ``path`` (and ``<path>.json``) to ``dest_root/rel``; returns the new path."""
    target = _free_name(dest_root / rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(target))
    sidecar = sidecar_path(path)
    if sidecar.exists():
        shutil.move(str(sidecar), str(sidecar_path(target)))
    return target


def prune_empty_dirs(start: Path, stop: Path) -> None:
    """Remove folders emptied by a move, up to (not including) ``stop`` — our own folders only."""
    current = start
    while current != stop and stop in current.parents:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent


def quoted(path: Path) -> str:
    """A path for a log line: quoted, so a newline in a file name cannot split the line."""
    return repr(str(path))


def reason_text(rel: Path, message: str, scan_id: int | None = None) -> str:
    """What staff read in ``<file>.error.txt``: which file, when, why (both languages)."""
    lines = [f"Tệp / file: {rel.as_posix()}"]
    if scan_id is not None:
        lines.append(f"Mã bản quét / scan ID: {scan_id}")
    lines.append(f"Thời điểm / time: {datetime.now():%Y-%m-%d %H:%M:%S}")
    lines.append("")
    lines.append(message.strip() or "Không rõ lý do. / Unknown reason.")
    return "\n".join(lines) + "\n"


def quarantine(layout: WorkLayout, path: Path, rel: Path, reason: str) -> Path:
    """Move the file to quarantine/ and write its reason file next to it."""
    target = move_with_sidecar(path, layout.quarantine, rel)
    target.with_name(target.name + ERROR_SUFFIX).write_text(reason, encoding="utf-8")
    return target
