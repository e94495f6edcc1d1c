"""Step 2: read every name crop with asterocr's ONNX line recogniser, 1 thread.

Runs in its own venv (onnxruntime, numpy, pillow), never in sohoa's:
    /tmp/astervenv/bin/python bench/name_reader_trial/aster_read.py /tmp/ntrial/names.jsonl \
        /tmp/aster/x/asterocr/assets /tmp/ntrial/aster.jsonl

The asterocr package itself is not imported (its pipeline module would try Hugging Face when the
bundled model is missing, and other modules pull in torch): the bundled asternet.onnx and
vocab.json are loaded directly, and the two input paths of the wheel are re-implemented:

- ``shipped``: asterocr.pipeline.AsterOCR.preprocess_image — RGB, bilinear to 32 px high, width
  rounded up to a multiple of 4, /255 then (x-0.5)/0.5 — and its greedy CTC decode.
- ``train``: the same, but /255 only, as asterocr/dataset/loader.py feeds the model in training
  and as asterocr/inference/predictor.py (the torch predictor) does.
- ``predictor``: predictor.py's full preprocessing (auto polarity, 2 px edge-colour padding,
  width stretch up to 1.25 for long lines), /255.

A line wider than MAX_WIDTH at 32 px is squeezed to MAX_WIDTH (the model fails beyond ~1024).
Crop: the printed name's box (``ocr_box``, see collect.py) on the pipeline's page PNG, padded
like pipeline/name_reread.py
(pad = max(6, height // 2) on every side) — ``half`` —, ``quarter`` (max(4, height // 4)) and
``tight`` (height // 4 left/right, max(2, height // 8) above/below): the marks of the lines above
and below, caught by a tall crop, are read as tones (LÊ → LỄ).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import onnxruntime as ort  # installed with sohoa since asterocr was adopted
from PIL import Image, ImageOps

TARGET_H = 32
MAX_WIDTH = 1024
# name -> (horizontal pad, vertical pad) from the box height
PADS = {
    "half": lambda h: (max(6, h // 2), max(6, h // 2)),
    "quarter": lambda h: (max(4, h // 4), max(4, h // 4)),
    "tight": lambda h: (max(4, h // 4), max(2, h // 8)),
}


def crop(page: Image.Image, box: dict, pad: tuple[int, int]) -> Image.Image:
    px, py = pad
    left, top = max(0, box["left"] - px), max(0, box["top"] - py)
    right = min(page.width, box["left"] + box["width"] + px)
    bottom = min(page.height, box["top"] + box["height"] + py)
    return page.crop((left, top, right, bottom))


def prep_shipped(img: Image.Image, mode: str) -> tuple[np.ndarray, bool]:
    img = img.convert("RGB")
    w, h = img.size
    target_w = max(32, int(w * TARGET_H / h))
    target_w = (target_w + 3) // 4 * 4
    squeezed = target_w > MAX_WIDTH
    target_w = min(target_w, MAX_WIDTH)
    arr = (
        np.asarray(img.resize((target_w, TARGET_H), Image.Resampling.BILINEAR), np.float32) / 255.0
    )
    if mode == "shipped":
        arr = (arr - 0.5) / 0.5
    return np.ascontiguousarray(arr.transpose(2, 0, 1)[None]), squeezed


def prep_predictor(img: Image.Image) -> tuple[np.ndarray, bool]:
    img = img.convert("RGB")
    w, h = img.size
    if h > w * 1.3:
        img = img.transpose(Image.Transpose.ROTATE_90)
        w, h = img.size
    gray = np.asarray(img.convert("L"))
    border = np.concatenate([gray[0, :], gray[-1, :], gray[:, 0], gray[:, -1]])
    center = gray[2:-2, 5:-5] if gray.shape[0] > 4 and gray.shape[1] > 10 else gray
    bg = float(np.median(border))
    bright, dark = float(np.percentile(center, 90)) - bg, bg - float(np.percentile(center, 10))
    if (bright > dark and bright > 20) or bg < 90:
        img = ImageOps.invert(img)
    edge = np.asarray(img)
    bg_col = tuple(int(x) for x in edge[:, [0, -1], :].mean(axis=(0, 1)))
    padded = Image.new("RGB", (w + 4, h), bg_col)
    padded.paste(img, (2, 0))
    w, h = padded.size
    aspect = w / max(1, h)
    scale_w = min(1.25, 1.0 + (aspect - 3.0) * 0.02) if aspect > 3.0 else 1.0
    new_w = max(16, int(TARGET_H / max(1, h) * w * scale_w))
    new_w = (new_w + 3) // 4 * 4
    squeezed = new_w > MAX_WIDTH
    new_w = min(new_w, MAX_WIDTH)
    arr = (
        np.asarray(padded.resize((new_w, TARGET_H), Image.Resampling.BILINEAR), np.float32) / 255.0
    )
    return np.ascontiguousarray(arr.transpose(2, 0, 1)[None]), squeezed


def decode(log_probs: np.ndarray, chars: list[str]) -> str:
    best = np.argmax(log_probs[:, 0, :], axis=-1)  # (time, batch, classes)
    out, prev = [], -1
    for idx in best.tolist():
        if idx != prev and idx != 0:
            out.append(chars[idx])
        prev = idx
    return "".join(out)


def main(names: Path, assets: Path, out: Path) -> None:
    chars = json.loads((assets / "vocab.json").read_text(encoding="utf-8"))["chars"]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(assets / "asternet.onnx"), options, providers=["CPUExecutionProvider"]
    )
    rows = [json.loads(line) for line in names.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.get("field")]
    # warm-up, not timed
    session.run(None, {"images": np.zeros((1, 3, 32, 256), np.float32)})
    pages: dict[str, Image.Image] = {}
    crops_dir = out.parent / "crops"
    crops_dir.mkdir(exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            result = {
                "doc": row["doc"],
                "field": row["field"],
                "reads": {},
                "ms": {},
                "squeezed": {},
            }
            box = row.get("ocr_box")  # the printed name's box (not the card QR code's)
            if box and row.get("ocr_page_image"):
                path = row["ocr_page_image"]
                if path not in pages:
                    pages.clear()  # one page in memory
                    pages[path] = Image.open(path).convert("L")
                page = pages[path]
                for pad_name, pad_of in PADS.items():
                    img = crop(page, box, pad_of(box["height"]))
                    if pad_name == "tight":
                        img.save(crops_dir / f"{Path(row['doc']).stem}-{row['field']}.png")
                        result["crop_size"] = [img.width, img.height]
                    for mode in ("shipped", "train", "predictor"):
                        start = time.perf_counter()
                        tensor, squeezed = (
                            prep_predictor(img) if mode == "predictor" else prep_shipped(img, mode)
                        )
                        (log_probs,) = session.run(None, {"images": tensor})
                        text = decode(log_probs, chars)
                        key = f"{mode}/{pad_name}"
                        result["ms"][key] = round(1000 * (time.perf_counter() - start), 2)
                        result["reads"][key] = text
                        result["squeezed"][key] = squeezed
            f.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
