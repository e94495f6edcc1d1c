"""Private working folders under ``<data dir>/tmp``, and the ones a killed process left behind.

Every job that needs files on disk (first processing, re-OCR, batch splitting) works in a
folder named ``<label>-p<pid>-<random>``, removed when it ends. A process killed with -9 cannot
remove its own; the pid in the name lets the next run on this machine tell that its owner is
gone and remove it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas.settings import Settings

_SCRATCH_PID = re.compile(r"-p(\d+)-")


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] not in (["Z"], ["X"])


@contextmanager
def scratch_folder(settings: Settings, label: str) -> Iterator[Path]:
    """A fresh folder for one piece of work, removed afterwards whatever happens."""
    tmp_root = settings.data_dir / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{label}-p{os.getpid()}-", dir=tmp_root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned_scratch(tmp_root: Path) -> list[Path]:
    """Scratch folders a killed run left behind (its process is gone), removed; which ones."""
    removed: list[Path] = []
    if not tmp_root.is_dir():
        return removed
    for folder in tmp_root.iterdir():
        match = _SCRATCH_PID.search(folder.name)
        if match is None or not folder.is_dir() or pid_alive(int(match.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
