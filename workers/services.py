"""The handles a job needs (settings, object store, index, OCR engine), opened once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.ocr import OcrEngine, TesseractEngine
from schemas.settings import Settings
from storage.index.db import Index
from storage.objects import ObjectStore, open_object_store


@dataclass
class Services:
    settings: Settings
    store: ObjectStore
    index: Index
    engine: OcrEngine = field(init=False)

    def __post_init__(self) -> None:
        self.engine = TesseractEngine(self.settings.ocr)

    def load_tesseract_once(self) -> None:
        """For a forking worker: Tesseract loaded once in this process (``tesseract_library``).

        Only where rq forks a work horse per job: a crash inside the library then ends the
        horse, never the process that calls this. Elsewhere each page gets its own program.
        """
        self.engine = TesseractEngine(self.settings.ocr, in_process=self.settings.ocr.in_process)

    @classmethod
    def open(cls, settings: Settings) -> Services:
        """Open storage and index (creating the schema) for this process."""
        index = Index(settings.index.url)
        index.create_schema()
        return cls(settings=settings, store=open_object_store(settings.storage), index=index)
