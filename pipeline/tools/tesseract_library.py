"""Tesseract inside the worker process, through tesserocr built on the system's libtesseract.

Why: every ``tesseract`` program call starts from nothing — it loads the language model and
dictionaries again and sets itself up — about 0.1 CPU s of a page that takes 0.3–0.5 s to read.
A worker runs all day; it loads the model once (in the rq parent, before forking, so every work
horse inherits it loaded) and hands each page to the same library. Same library, same language
data, same variables: the words and boxes are those the program gives (a test compares them).

It is used only when that holds: tesserocr importable, linked to the very Tesseract version the
``tesseract`` program reports (a wheel bundling another build is refused), and OpenMP held
to one thread in this process (its threads would not survive rq's fork). Otherwise ``load``
says why and the caller keeps running the program. Crash isolation stays with rq: a library
crash ends the work horse, not the worker, and the retry runs each page in its own
``tesseract`` process (``workers.jobs``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import time
from pathlib import Path
from typing import Any

from pipeline.tools import tesseract
from schemas.errors import OcrTimeout, PageFailed
from schemas.ocr import Line

# The header of Tesseract's TSV output; the library's GetTSVText gives the rows without it.
_TSV_COLUMNS = "level page_num block_num par_num line_num word_num left top width height conf text"
TSV_HEADER = _TSV_COLUMNS.replace(" ", "\t")


class LibraryUnavailable(Exception):
    """Why the in-process engine cannot be used here (the program is used instead)."""


def _set_thread_limit(limit: int) -> None:
    """OpenMP reads OMP_THREAD_LIMIT once, when libgomp loads: set it for this OCR process first.

    This is the in-process form of passing it to each ``tesseract`` call: it is set only in the
    process that runs OCR (a worker runs one per core), never in the shell or the system.
    """
    os.environ["OMP_THREAD_LIMIT"] = str(limit)


def omp_thread_limit() -> int | None:
    """The thread limit libgomp applies in this process, or None when libgomp is not loaded."""
    name = ctypes.util.find_library("gomp")
    if name is None:
        return None
    try:
        gomp = ctypes.CDLL(name, mode=getattr(os, "RTLD_NOLOAD", 4))
    except OSError:
        return None
    gomp.omp_get_thread_limit.restype = ctypes.c_int
    return int(gomp.omp_get_thread_limit())


class LibraryTesseract:
    """One loaded engine per thread and (languages, page segmentation); never shared."""

    def __init__(self, module: Any, datapath: str) -> None:
        self._tesserocr = module
        self.datapath = datapath
        self._local = threading.local()

    def _api(self, config: tesseract.TesseractConfig) -> Any:
        apis: dict[tuple[str, int], Any] = self._local.__dict__.setdefault("apis", {})
        key = (config.languages, config.psm)  # the data folder is this object's, fixed
        api = apis.get(key)
        if api is None:
            api = self._tesserocr.PyTessBaseAPI(
                path=self.datapath, lang=config.languages, psm=config.psm, init=True
            )
            api.SetVariable("debug_file", os.devnull)  # "Detected 52 diacritics" and the like
            api.SetVariable("textonly_pdf", "1")
            apis[key] = api
        return api

    def recognize(
        self, image_path: Path, out_base: Path, config: tesseract.TesseractConfig, *, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        """As ``tesseract.recognize``: word lines and, if asked, the one-page text-only PDF."""
        api = self._api(config)
        api.SetVariable("user_defined_dpi", str(config.dpi))
        api.SetVariable("tessedit_create_pdf", "1" if pdf else "0")
        timeout_ms = max(int(config.timeout_seconds * 1000), 1)
        started = time.monotonic()
        if pdf:
            ok = api.ProcessPages(str(out_base), str(image_path), None, timeout_ms)
        else:
            api.SetImageFile(str(image_path))
            ok = api.Recognize(timeout_ms)
        if not ok:
            api.Clear()
            if time.monotonic() - started >= 0.9 * config.timeout_seconds:
                raise OcrTimeout(f"tesseract > {config.timeout_seconds:g}s")
            raise PageFailed(f"tesseract: không đọc được {image_path.name}")
        rows = api.GetTSVText(0) or ""
        api.Clear()
        lines = tesseract.parse_tsv(f"{TSV_HEADER}\n{rows}")
        pdf_path = out_base.with_name(out_base.name + ".pdf") if pdf else None
        if pdf_path is not None and not pdf_path.exists():
            raise PageFailed(f"tesseract: không tạo được {pdf_path.name}")
        return lines, pdf_path


def load(cmd: str, thread_limit: int) -> LibraryTesseract:
    """The in-process engine, if it is the same Tesseract as ``cmd``; LibraryUnavailable if not.

    Single-threaded only: the library lives in a process that rq forks for every job, and
    libgomp's thread pool does not survive fork() (a horse could hang in its first parallel
    region). A worker per core is the faster set-up anyway.
    """
    if thread_limit != 1:
        raise LibraryUnavailable(f"OMP_THREAD_LIMIT={thread_limit}: chỉ dùng thư viện khi = 1")
    _set_thread_limit(thread_limit)
    try:
        import tesserocr  # here: libtesseract (and libgomp) load only where OCR runs
    except ImportError as exc:
        raise LibraryUnavailable(f"tesserocr: {exc}") from exc
    library = str(tesserocr.tesseract_version()).splitlines()[0].strip()
    program = tesseract.version(cmd)
    if library != program:
        raise LibraryUnavailable(f"tesserocr dùng {library}, chương trình là {program}")
    limit = omp_thread_limit()
    if limit is not None and limit > thread_limit:
        raise LibraryUnavailable(f"OpenMP đã nạp với {limit} luồng (cần {thread_limit})")
    return LibraryTesseract(tesserocr, tesseract.datapath(cmd))
