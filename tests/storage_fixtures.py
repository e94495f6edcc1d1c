"""Object-storage test servers: moto's S3 server on loopback, and a real MinIO if configured.

Import the fixtures into a test module (``from tests.storage_fixtures import moto_endpoint``).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from minio import Minio
from minio.deleteobjects import DeleteObject

from schemas.settings import StorageSettings

TEST_KEY = "testing"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """``host:port`` of an in-process S3 server on 127.0.0.1, shared by the session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()


def s3_settings(
    endpoint: str, access_key: str, secret_key: str, bucket: str = ""
) -> StorageSettings:
    """Settings for the minio backend; a fresh bucket name unless one is given."""
    return StorageSettings(
        backend="minio",
        minio_endpoint=endpoint,
        minio_access_key=access_key,
        minio_secret_key=secret_key,
        minio_bucket=bucket or f"sohoa-test-{uuid.uuid4().hex[:12]}",
    )


def moto_settings(endpoint: str) -> StorageSettings:
    """Settings for a fresh bucket on the moto server."""
    return s3_settings(endpoint, TEST_KEY, TEST_KEY)


def real_minio_settings() -> StorageSettings | None:
    """Settings for a fresh bucket on the MinIO named by ``MINIO_ENDPOINT``, if any."""
    endpoint = os.environ.get("MINIO_ENDPOINT", "")
    if not endpoint:
        return None
    settings = s3_settings(
        endpoint, os.environ.get("MINIO_ACCESS_KEY", ""), os.environ.get("MINIO_SECRET_KEY", "")
    )
    settings.minio_secure = os.environ.get("MINIO_SECURE", "").lower() in ("1", "true", "yes")
    return settings


def drop_bucket(settings: StorageSettings) -> None:
    """Remove a test bucket and everything in it (best effort)."""
    client = Minio(
        settings.minio_endpoint.split("://")[-1],
        access_key=settings.minio_access_key,
        secret_key=settings.minio_secret_key,
        secure=settings.minio_secure or settings.minio_endpoint.startswith("https://"),
        region=settings.minio_region,
    )
    with suppress(Exception):
        if not client.bucket_exists(settings.minio_bucket):
            return
        names = [
            DeleteObject(found.object_name)
            for found in client.list_objects(settings.minio_bucket, recursive=True)
            if found.object_name
        ]
        for _ in client.remove_objects(settings.minio_bucket, names):
            pass
        client.remove_bucket(settings.minio_bucket)


def closed_loopback_port() -> int:
    """A loopback TCP port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_endpoint() -> Iterator[str]:
    """``host:port`` of a socket that accepts connections but never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"127.0.0.1:{listener.getsockname()[1]}"
