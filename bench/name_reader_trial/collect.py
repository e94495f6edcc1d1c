"""Step 1: run sohoa's pipeline on every labelled sample, as ``sohoa eval fields`` does, and
keep, for every name field of the true document type: truth, sohoa's value, the review flags,
the field's page and box, and a copy of the preprocessed page image the box refers to.

Run with the repo's venv, one document at a time (2 cores):
    OMP_THREAD_LIMIT=1 .venv/bin/python bench/name_reader_trial/collect.py \
        /tmp/ntrial/corpus /tmp/ntrial
Writes OUT/names.jsonl and OUT/pages/<stem>-p<n>.png; resumes where it stopped.

On a 2021 ID card the name comes from the QR code (rule ``qr``, box = the code's box): exact
data, no OCR. For those the same OCR is extracted again with the codes removed (and the doubted
names re-read as the pipeline does), which gives the printed name's own box and what sohoa reads
from the print alone (``ocr_*`` keys; for other fields they equal the shipped ones).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pipeline.extract import extract
from pipeline.extract.registry import rules_for
from pipeline.extract.spec import Kind
from pipeline.name_reread import reread_doubted_names
from pipeline.runner import run_document
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.commands.eval_fields import labelled_files


def name_fields(doc_type: str) -> list[str]:
    rules = rules_for(DocType(doc_type))
    return [s.name for s in rules.fields if s.kind is Kind.NAME] if rules else []


def main(corpus: Path, out: Path) -> None:
    pages_dir = out / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    records = out / "names.jsonl"
    done = set()
    if records.exists():
        done = {json.loads(line)["doc"] for line in records.read_text().splitlines()}
    settings = Settings()
    pairs = labelled_files(corpus)
    for n, (path, truth_path) in enumerate(pairs, 1):
        if path.name in done:
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        degrade = json.loads(path.with_name(f"{path.stem}.degrade.json").read_text())
        start = time.perf_counter()
        rows = []
        with tempfile.TemporaryDirectory(prefix="ntrial-") as scratch:
            try:
                output = run_document(path, Path(scratch), settings)
                extraction = output.result.extraction
                images = output.page_images
                ocr = output.result.ocr
                if any(f.rule == "qr" for f in extraction.fields.values()):
                    bare = ocr.model_copy(
                        update={"pages": [p.model_copy(update={"codes": []}) for p in ocr.pages]}
                    )
                    printed = extract(bare, settings.review)
                    printed = reread_doubted_names(printed, images, Path(scratch), settings.ocr)
                else:
                    printed = extraction
            except Exception as error:  # counted as an empty extraction, like eval fields
                print(f"{path.name}: pipeline failed: {error}", file=sys.stderr)
                extraction, printed, images = None, None, {}
            kept = {}
            for number, image in images.items():
                dest = pages_dir / f"{path.stem}-p{number}.png"
                shutil.copy(image, dest)
                kept[number] = str(dest)
        named = {r.split(":", 1)[0] for r in extraction.review_reasons} if extraction else set()
        printed_named = {r.split(":", 1)[0] for r in printed.review_reasons} if printed else set()
        for field_name in name_fields(truth["doc_type"]):
            if field_name not in truth["fields"]:
                continue
            field = extraction.fields.get(field_name) if extraction else None
            ocr_field = printed.fields.get(field_name) if printed else None
            rows.append(
                {
                    "doc": path.name,
                    "doc_type": truth["doc_type"],
                    "found_type": extraction.doc_type.value if extraction else None,
                    "profile": degrade["profile"],
                    "face": degrade["face"],
                    "field": field_name,
                    "truth": truth["fields"][field_name],
                    "sohoa": field.value if field else None,
                    "raw": field.raw if field else None,
                    "rule": field.rule if field else None,
                    "issues": field.issues if field else [],
                    "field_flagged": field_name in named,
                    "reasons": [
                        r for r in extraction.review_reasons if r.startswith(f"{field_name}:")
                    ]
                    if extraction
                    else [],
                    "doc_needs_review": extraction.needs_review if extraction else True,
                    "doc_reasons": extraction.review_reasons if extraction else ["failed"],
                    "page": field.page if field else None,
                    "box": field.box.model_dump() if field and field.box else None,
                    "page_image": kept.get(field.page) if field and field.page else None,
                    "ocr_value": ocr_field.value if ocr_field else None,
                    "ocr_field_flagged": field_name in printed_named,
                    "ocr_needs_review": printed.needs_review if printed else True,
                    "ocr_page": ocr_field.page if ocr_field else None,
                    "ocr_box": ocr_field.box.model_dump() if ocr_field and ocr_field.box else None,
                    "ocr_page_image": kept.get(ocr_field.page)
                    if ocr_field and ocr_field.page
                    else None,
                }
            )
        with records.open("a", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
            if not rows:  # a document without name fields is still marked done
                f.write(json.dumps({"doc": path.name, "field": None}) + "\n")
        right = sum(r["sohoa"] == r["truth"] for r in rows)
        print(
            f"[{n}/{len(pairs)}] {path.name} {time.perf_counter() - start:.1f}s "
            f"names {right}/{len(rows)}",
            flush=True,
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
