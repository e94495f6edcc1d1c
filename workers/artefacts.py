"""Uploading what the pipeline produced, under the scan's version prefix."""

from __future__ import annotations

from storage.objects import ObjectStore

from pipeline.runner import PipelineOutput
from storage import keys


def upload_artefacts(store: ObjectStore, output: PipelineOutput, version: int) -> str:
    """Write pages, text, fields and the searchable PDF; returns the version's prefix.

    Rewriting the same version after a crash overwrites the same keys, so a retry is harmless.
    """
    result = output.result
    sha256 = result.source.sha256
    meta = {"doc_type": result.extraction.doc_type.value, "version": str(version)}
    for number, image in enumerate(output.page_images, start=1):
        store.put_file(keys.page_image_key(sha256, version, number), image, "image/png", meta)
    store.put_bytes(
        keys.text_key(sha256, version),
        result.ocr.model_dump_json().encode("utf-8"),
        "application/json",
        meta,
    )
    store.put_bytes(
        keys.fields_key(sha256, version),
        result.model_dump_json(exclude={"ocr"}).encode("utf-8"),
        "application/json",
        meta,
    )
    if output.searchable_pdf is not None:
        store.put_file(
            keys.searchable_pdf_key(sha256, version), output.searchable_pdf, "application/pdf", meta
        )
    return keys.derived_prefix(sha256, version)
