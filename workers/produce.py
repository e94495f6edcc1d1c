"""Producing one version of a stored scan: download the original, run the pipeline, upload.

Shared by first processing and re-OCR. Nothing here touches the index: the caller commits a
result row pointing at the uploaded prefix, and until then staff cannot see the objects. A retry
with the same version number overwrites the same keys, so a crash before the commit leaves no
duplicate behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ocr import OcrEngine
from pipeline.runner import PipelineOutput, run_document
from schemas.documents import SourceFile
from workers.artefacts import upload_artefacts
from workers.scratch import scratch_folder
from workers.services import Services


@dataclass(frozen=True)
class Produced:
    """The pipeline's output (its scratch files are gone) and the version's object prefix."""

    output: PipelineOutput
    prefix: str
    version: int


def produce_version(
    services: Services,
    original_key: str,
    version: int,
    *,
    label: str,
    engine: OcrEngine | None = None,
    source: SourceFile | None = None,
) -> Produced:
    """Run the current settings' pipeline on the original and store it as ``version``.

    Bad input raises ``InputRejected`` before anything is uploaded. ``engine``: another engine
    than the services' (a retried first run reads each page in its own process); ``source``:
    the original's triage, if made already.
    """
    with scratch_folder(services.settings, label) as scratch:
        original = scratch / "original"
        services.store.download(original_key, original)
        output = run_document(
            original,
            scratch / "work",
            services.settings,
            engine or services.engine,
            source=source,
        )
        prefix = upload_artefacts(
            services.store, output, version, secret_key=services.settings.api.secret_key
        )
        return Produced(output=output, prefix=prefix, version=version)
