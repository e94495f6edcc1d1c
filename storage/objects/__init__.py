"""Object storage for originals and derived artefacts: one contract, local or MinIO backend.

Import from here; the submodules are an implementation detail.
"""

from storage.objects.base import (
    DEFAULT_CONTENT_TYPE,
    InvalidKey,
    ObjectInfo,
    ObjectStore,
)
from storage.objects.factory import open_object_store
from storage.objects.local import LocalObjectStore
from storage.objects.minio import MinioObjectStore

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "InvalidKey",
    "LocalObjectStore",
    "MinioObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "open_object_store",
]
