"""A forking worker keeps page-sized images on the heap (glibc), so horses reuse their memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# In a fresh process: is a 10 MB image (an A4 page is about 9 MB) placed inside the heap?
PROBE = """
import sys
import numpy as np
from workers.heap import keep_page_images_on_the_heap
if sys.argv[1] == "tuned":
    assert keep_page_images_on_the_heap()
image = np.ones(10_000_000, dtype=np.uint8)
address = image.ctypes.data
for line in open("/proc/self/maps"):
    if line.rstrip().endswith("[heap]"):
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        print(start <= address < end)
        break
else:
    print(False)
"""


def _page_image_on_heap(mode: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip() == "True"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_page_images_come_from_the_heap_once_tuned() -> None:
    assert not _page_image_on_heap("default")  # glibc maps a block this large on its own
    assert _page_image_on_heap("tuned")
