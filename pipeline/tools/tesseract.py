"""The only place that runs the ``tesseract`` program.

Each call gets its own environment with ``OMP_THREAD_LIMIT`` (OpenMP threads make Tesseract
several times slower on a 2-core machine; we run one process per core instead), a timeout, and
turns the program's failures into sohoa errors here and nowhere else.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytesseract

from schemas.errors import OcrTimeout, PageFailed
from schemas.ocr import Box, Line, Word
from schemas.settings import OcrSettings


@dataclass(frozen=True)
class TesseractConfig:
    """Explicit per-call parameters (built from OcrSettings at the edge)."""

    cmd: str = "tesseract"
    languages: str = "vie"
    psm: int = 3
    dpi: int = 300
    omp_thread_limit: int = 1
    timeout_seconds: float = 120.0


def config_for(
    settings: OcrSettings, *, dpi: int = 300, psm: int | None = None, timeout_scale: float = 1.0
) -> TesseractConfig:
    """The per-call parameters from the OCR settings (``psm`` None: the settings' own)."""
    return TesseractConfig(
        cmd=settings.tesseract_cmd,
        languages=settings.languages,
        psm=settings.psm if psm is None else psm,
        dpi=dpi,
        omp_thread_limit=settings.omp_thread_limit,
        timeout_seconds=settings.page_timeout_seconds * timeout_scale,
    )


def _env(config: TesseractConfig) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = str(config.omp_thread_limit)
    return env


def _run(args: list[str], config: TesseractConfig) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            args,
            env=_env(config),
            capture_output=True,
            timeout=config.timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrTimeout(f"tesseract > {config.timeout_seconds:.0f}s") from exc
    except FileNotFoundError as exc:
        raise PageFailed(f"không chạy được {config.cmd!r}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PageFailed(message[-1] if message else f"tesseract exit {done.returncode}")
    return done


def recognize(
    image_path: Path, out_base: Path, config: TesseractConfig, *, pdf: bool
) -> tuple[list[Line], Path | None]:
    """OCR one page image once, producing word TSV and, if asked, a one-page text-only PDF.

    The PDF holds only the invisible text (``textonly_pdf=1``): embedding the page image is
    left to ``pipeline.searchable_pdf``, which does it for a fraction of Tesseract's cost.
    """
    outputs = ["-c", "textonly_pdf=1", "tsv", "pdf"] if pdf else ["tsv"]
    args = [
        config.cmd,
        str(image_path),
        str(out_base),
        "-l",
        config.languages,
        "--psm",
        str(config.psm),
        "--dpi",
        str(config.dpi),
        *outputs,
    ]
    _run(args, config)
    tsv_path = out_base.with_name(out_base.name + ".tsv")
    lines = parse_tsv(tsv_path.read_text(encoding="utf-8"))
    tsv_path.unlink(missing_ok=True)
    pdf_path = out_base.with_name(out_base.name + ".pdf") if pdf else None
    return lines, pdf_path


def plain_text(image_path: Path, config: TesseractConfig) -> str:
    """The text Tesseract alone gives for an image file: every page, no clean-up, no ``--dpi``.

    The baseline that sohoa's own reading is measured against (``sohoa eval ocr``).
    """
    args = [config.cmd, str(image_path), "-", "-l", config.languages, "--psm", str(config.psm)]
    return _run(args, config).stdout.decode("utf-8", "replace")


_CHOICE_GROUP = re.compile(
    r"<span class='ocrx_cinfo' id='lstm_choices_[^']*'>(.*?)</span></span>", re.S
)
_CHOICE = re.compile(r"title='x_confs ([\d.]+)'>([^<]*)</span>")

Choices = list[list[tuple[str, float]]]


def character_choices(image_path: Path, config: TesseractConfig) -> Choices:
    """Per time step of Tesseract's LSTM, the characters it considered with their confidence
    (0..1), best first: ``lstm_choice_mode=2`` in hOCR, one line (``--psm 7``)."""
    args = [
        config.cmd,
        str(image_path),
        "-",
        "-l",
        config.languages,
        "--psm",
        "7",
        "--dpi",
        str(config.dpi),
        "-c",
        "lstm_choice_mode=2",
        "hocr",
    ]
    hocr = _run(args, config).stdout.decode("utf-8", "replace")
    steps: Choices = []
    for group in _CHOICE_GROUP.finditer(hocr):
        options = [
            (html.unescape(text), float(conf) / 100)
            for conf, text in _CHOICE.findall(group.group(1))
        ]
        if options:
            steps.append(sorted(options, key=lambda o: -o[1]))
    return steps


def parse_tsv(tsv: str) -> list[Line]:
    """Group Tesseract's word rows into lines, keeping boxes and confidences (0..1).

    Split by hand rather than with ``csv``: a dense page has a few thousand rows and this runs
    on every page (Tesseract's TSV has no quoting; a word's text never holds a tab).
    """
    rows = tsv.splitlines()
    if not rows:
        return []
    column = {name: i for i, name in enumerate(rows[0].split("\t"))}
    level, conf_at, text_at = column["level"], column["conf"], column["text"]
    key_at = [column[k] for k in ("page_num", "block_num", "par_num", "line_num")]
    box_at = [column[k] for k in ("left", "top", "width", "height")]
    grouped: dict[tuple[int, ...], list[Word]] = {}
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) <= text_at or cells[level] != "5":
            continue
        text = cells[text_at].strip()
        conf = float(cells[conf_at])
        if not text or conf < 0:
            continue
        left, top, width, height = (int(cells[i]) for i in box_at)
        grouped.setdefault(tuple(int(cells[i]) for i in key_at), []).append(
            Word(
                text=text,
                confidence=min(max(conf / 100.0, 0.0), 1.0),
                box=Box(left=left, top=top, width=width, height=height),
            )
        )
    return [Line(words=words) for _, words in sorted(grouped.items())]


_ROTATE = re.compile(rb"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(rb"Orientation confidence:\s*([\d.]+)")


def detect_orientation(image_path: Path, config: TesseractConfig) -> tuple[int, float]:
    """Clockwise degrees (0/90/180/270) to rotate the page upright, and OSD's confidence.

    Pages with too little text make OSD fail; that is not an error, just "don't rotate".
    """
    args = [config.cmd, str(image_path), "stdout", "--psm", "0", "--dpi", str(config.dpi)]
    try:
        done = _run(args, config)
    except PageFailed:
        return 0, 0.0
    rotate = _ROTATE.search(done.stdout)
    confidence = _CONFIDENCE.search(done.stdout)
    if not rotate:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(confidence.group(1)) if confidence else 0.0


def version(cmd: str = "tesseract") -> str:
    """The engine version string, recorded on every result so re-OCR can compare."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    return f"tesseract {pytesseract.get_tesseract_version()}"


_DATAPATH = re.compile(r'languages in "([^"]+)"')


def datapath(cmd: str = "tesseract") -> str:
    """The language-data folder the program reads (honouring TESSDATA_PREFIX), so that the
    in-process engine (``tesseract_library``) loads exactly the same models."""
    try:
        done = subprocess.run([cmd, "--list-langs"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PageFailed(f"không chạy được {cmd!r}") from exc
    found = _DATAPATH.search(done.stdout.decode("utf-8", "replace"))
    if found is None:
        raise PageFailed(f"{cmd} --list-langs: không thấy thư mục dữ liệu")
    return found.group(1)


def languages(cmd: str = "tesseract") -> set[str]:
    """Installed language data (pytesseract is used for these one-off queries only: OCR calls
    need a per-call environment and several outputs from one run, which it cannot give)."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    return set(pytesseract.get_languages(config=""))
