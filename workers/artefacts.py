"""Uploading what the pipeline produced, under the scan's version prefix.

Every derived object carries, as metadata, the keyed hash of its owner's ID number (the same
HMAC the audit trail uses, so a supervisor can find a citizen's objects without the bucket
revealing whom they are about), the document type and the version.
"""

from __future__ import annotations

from pipeline.runner import PipelineOutput
from storage import keys
from storage.index.audit import citizen_hash
from storage.index.results import people_of, primary_person
from storage.objects import ObjectStore


def artefact_metadata(output: PipelineOutput, version: int, secret_key: str) -> dict[str, str]:
    """Object metadata for one version: doc type, version and (if known) owner ID hash."""
    extraction = output.result.extraction
    fields = {name: field.value for name, field in extraction.fields.items()}
    meta = {"doc_type": extraction.doc_type.value, "version": str(version)}
    owner = primary_person(people_of(fields))
    if owner is not None and owner.id_number:
        meta["owner_id_hash"] = citizen_hash(secret_key, owner.id_number)
    return meta


def upload_artefacts(
    store: ObjectStore, output: PipelineOutput, version: int, *, secret_key: str
) -> str:
    """Write pages, text, fields and the searchable PDF; returns the version's prefix.

    Nothing here is visible to staff until the index commits a result pointing at the prefix.
    Rewriting the same version after a crash overwrites the same keys, so a retry is harmless.
    """
    result = output.result
    sha256 = result.source.sha256
    meta = artefact_metadata(output, version, secret_key)
    for number, image in output.page_images.items():  # numbers stay true after a failed page
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
