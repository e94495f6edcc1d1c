"""asterocr's Vietnamese line recogniser, a second reader for names Tesseract leaves in doubt.

Why: on names Tesseract misses tone marks it never proposes (NGUYÊN with no Ễ among its
choices); asterocr's CTC model (MIT, ``asterocr==1.0.2`` on PyPI, its ONNX file inside the
wheel) reads such crops with their marks. Trial on generated name crops
(``bench/name_reader_trial``): 96.6 → 98.2 % exact names, none broken.

Only the wheel's ``assets/asternet.onnx`` and ``vocab.json`` are used, through onnxruntime with
one thread: the package's own pipeline would fetch a model from the network when the bundled
one is missing, and its input normalisation, ``(x - 0.5) / 0.5``, is not the one the model was
trained with (``/ 255``, as its dataset loader does; it reads better, measured). The model file
must have the pinned SHA-256, or the reader is not used.

Memory: about 120 MB per process. A worker's warm-up page carries an unmarked name, so the
worker loads the model before forking and its work horses share it instead of loading it
(0.2 CPU s) for each doubted name. The session runs on the calling thread only (one intra-op and
one inter-op thread): no thread pool exists to be lost across the fork.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

MODEL_SHA256 = "10c96b533e1f64031d73edfddafd7d4b13595544f11891f0531bcd72cb29be80"
HEIGHT = 32  # the model's input height
MAX_WIDTH = 1024  # wider lines come out as garbage: squeezed to this


class ReaderUnavailable(Exception):
    """Why the second reader cannot run here (names then stay as Tesseract read them)."""


def _assets() -> Path:
    spec = importlib.util.find_spec("asterocr")  # located, not imported: no torch, no network
    if spec is None or not spec.submodule_search_locations:
        raise ReaderUnavailable("asterocr chưa được cài / asterocr is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "assets"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class AsterReader:
    """The model loaded once per process, on first use; ``read`` takes a grey line crop."""

    def __init__(self, session: Any, chars: list[str]) -> None:
        self._session = session
        self._chars = chars

    @classmethod
    def load(cls) -> AsterReader:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ReaderUnavailable(f"onnxruntime: {exc}") from exc
        assets = _assets()
        model = assets / "asternet.onnx"
        if not model.is_file() or _sha256(model) != MODEL_SHA256:
            raise ReaderUnavailable(f"{model}: không đúng mô hình đã kiểm / not the pinned model")
        chars = json.loads((assets / "vocab.json").read_text(encoding="utf-8"))["chars"]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one process per core, as Tesseract
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        return cls(session, list(chars))

    def read(self, gray: np.ndarray) -> str:
        """The text of one printed line (greedy CTC: the model's best letter at each step)."""
        height, width = gray.shape[:2]
        target = max(HEIGHT, round(width * HEIGHT / max(1, height)))
        target = min(MAX_WIDTH, (target + 3) // 4 * 4)
        # Pillow's bilinear filter, as in the trial: it smooths when shrinking, OpenCV's does not
        line = np.asarray(Image.fromarray(gray).resize((target, HEIGHT), Image.Resampling.BILINEAR))
        planes = np.repeat(line[None, None].astype(np.float32) / 255.0, 3, axis=1)
        (scores,) = self._session.run(None, {"images": np.ascontiguousarray(planes)})
        best = np.argmax(scores[:, 0, :], axis=-1)  # (time, batch, classes)
        letters: list[str] = []
        previous = -1
        for index in best.tolist():
            if index != previous and index != 0:  # 0 is the CTC blank
                letters.append(self._chars[index])
            previous = index
        return "".join(letters)


_lock = threading.Lock()
_loaded: AsterReader | None = None
_why_not = ""


def shared_reader() -> AsterReader | None:
    """The process's reader, loaded the first time; None (said once) when it cannot run."""
    global _loaded, _why_not
    with _lock:
        if _loaded is None and not _why_not:
            try:
                _loaded = AsterReader.load()
            except (ReaderUnavailable, OSError, ValueError, RuntimeError) as exc:
                _why_not = str(exc) or type(exc).__name__
                log.warning("Không dùng bộ đọc tên thứ hai / second name reader off: %s", _why_not)
        return _loaded
