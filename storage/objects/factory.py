"""Pick the object store the settings ask for; the only place that knows both backends."""

from __future__ import annotations

from schemas.settings import StorageSettings
from storage.objects.base import ObjectStore
from storage.objects.local import LocalObjectStore
from storage.objects.minio import MinioObjectStore


def open_object_store(settings: StorageSettings) -> ObjectStore:
    """The configured backend; no network I/O happens until the first call (or ``check``)."""
    if settings.backend == "minio":
        return MinioObjectStore(settings)
    if settings.backend == "local":
        return LocalObjectStore(settings.local_root)
    raise ValueError(f"unknown storage backend {settings.backend!r}")
