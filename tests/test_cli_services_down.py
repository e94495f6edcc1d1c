"""A command whose service is down says so in a few lines and exits 75 (try again later)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLOSED_PORT = "127.0.0.1:1"  # nothing listens there: connection refused at once


def _sohoa(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["search", "--user", "canbo1", "--id-number", "001224012345"],
        [
            "attach",
            "5",
            "--user",
            "canbo1",
            "--dossier",
            "000.00.20.H12-240315-0007",
            "--component",
            "Giấy khai sinh",
        ],
    ],
)
def test_index_down_is_exit_75_without_a_traceback(args: list[str], tmp_path: Path) -> None:
    env = {"SOHOA_INDEX__URL": f"postgresql+psycopg://postgres@{CLOSED_PORT}/test"}
    done = _sohoa(args, env, tmp_path)
    assert done.returncode == 75, done.stderr
    assert "Traceback" not in done.stderr
    assert "tạm thời không truy cập được" in done.stderr


def test_worker_with_redis_down_is_exit_75_without_a_traceback(tmp_path: Path) -> None:
    done = _sohoa(
        ["worker", "--burst"], {"SOHOA_QUEUE__REDIS_URL": f"redis://{CLOSED_PORT}/0"}, tmp_path
    )
    assert done.returncode == 75, done.stderr
    assert "Traceback" not in done.stderr and "Redis" in done.stderr
