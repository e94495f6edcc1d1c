"""Objects in an S3-protocol server (MinIO in production) through the ``minio`` client.

The client gets its own urllib3 pool with short timeouts and few retries: minio's default
(5-minute timeouts, 5 retries) turns a down server into a hung worker, whereas sohoa wants a
quick ``StorageUnavailable`` and lets the job queue retry later. Uploads are streamed in
fixed-size parts, so memory stays bounded by the part size whatever the file size. Every
library exception is translated here; callers only ever see sohoa's errors.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error

from schemas.errors import NotFound, StorageUnavailable
from schemas.settings import StorageSettings
from storage.objects.base import (
    DEFAULT_CONTENT_TYPE,
    ObjectInfo,
    check_content_type,
    check_deletable_prefix,
    check_key,
    check_prefix,
    check_presign_seconds,
    put_immutable_via,
)
from storage.objects.metadata import check_metadata, from_headers, to_headers

PART_SIZE = 8 * 1024 * 1024  # S3 needs ≥ 5 MiB parts; this bounds upload memory per file
_CHUNK = 1 << 20
_MISSING_OBJECT = frozenset({"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"})
_BUCKET_GONE = frozenset({"NoSuchBucket"})
_BUCKET_RACE = frozenset({"BucketAlreadyOwnedByYou"})


class MinioObjectStore:
    """``ObjectStore`` on one private bucket of an S3-protocol server."""

    def __init__(
        self,
        settings: StorageSettings,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 20.0,
        retries: int = 2,
        part_size: int = PART_SIZE,
    ) -> None:
        endpoint, secure = _split_endpoint(settings.minio_endpoint, settings.minio_secure)
        self._endpoint = endpoint
        self._bucket = settings.minio_bucket
        self._region = settings.minio_region
        self._presign_seconds = check_presign_seconds(settings.presign_seconds)
        self._part_size = part_size
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            maxsize=10,
            cert_reqs="CERT_REQUIRED",
            retries=urllib3.Retry(
                total=retries,
                connect=retries,
                read=min(retries, 1),
                status=retries,
                backoff_factor=0.2,
                status_forcelist=(500, 502, 503, 504),
                respect_retry_after_header=False,
            ),
        )
        self._client = Minio(
            endpoint,
            access_key=settings.minio_access_key or None,
            secret_key=settings.minio_secret_key or None,
            secure=secure,
            region=settings.minio_region,
            http_client=http,
        )
        # Browsers may reach MinIO under another name than the workers do (compose: "minio").
        public = settings.minio_public_endpoint
        self._signer = self._client
        if public:
            host, tls = _split_endpoint(public, secure)
            self._signer = Minio(
                host,
                access_key=settings.minio_access_key or None,
                secret_key=settings.minio_secret_key or None,
                secure=tls,
                region=settings.minio_region,  # known region: signing needs no request
            )
        self._bucket_ready = False

    @property
    def bucket(self) -> str:
        """The bucket holding sohoa's objects."""
        return self._bucket

    # --- writing ---------------------------------------------------------------------------

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` with ``data``."""
        # BytesIO over bytes shares the buffer (copy-on-write), so this does not copy ``data``.
        self._put_stream(key, io.BytesIO(data), len(data), content_type, metadata)

    def put_file(
        self,
        key: str,
        path: Path,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` from a local file, uploaded part by part."""
        check_key(key)
        with Path(path).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._put_stream(key, handle, size, content_type, metadata)

    def _put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Upload ``length`` bytes read from ``stream`` (multipart above the part size)."""
        check_key(key)
        headers: dict[str, str | list[str] | tuple[str]] = {**to_headers(check_metadata(metadata))}
        content_type = check_content_type(content_type)
        with self._translated(key):
            self._ensure_bucket()
            self._client.put_object(
                self._bucket,
                key,
                stream,
                length,
                content_type=content_type,
                metadata=headers,
                part_size=self._part_size,
                num_parallel_uploads=1,
            )

    def put_immutable(
        self,
        key: str,
        source: bytes | Path,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> bool:
        """Write ``key`` unless it exists; True if written."""
        return put_immutable_via(self, key, source, content_type, metadata)

    def delete_prefix(self, prefix: str) -> int:
        """Delete one abandoned derived version."""
        check_deletable_prefix(prefix)
        doomed = [DeleteObject(name) for name in self._keys(prefix)]
        if not doomed:
            return 0
        with self._translated():
            errors = [
                f"{error.name}: {error.code}"
                for error in self._client.remove_objects(self._bucket, doomed)
            ]
        if errors:
            raise StorageUnavailable(f"could not delete {len(errors)} objects: {errors[:3]}")
        return len(doomed)

    # --- reading ---------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        """The whole object in memory."""
        check_key(key)
        with self._translated(key):
            self._ensure_bucket()
            response = self._client.get_object(self._bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

    def download(self, key: str, path: Path) -> None:
        """Stream the object into a temporary file beside ``path``, then rename it over."""
        check_key(key)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
        try:
            with os.fdopen(descriptor, "wb") as handle, self._translated(key):
                self._ensure_bucket()
                response = self._client.get_object(self._bucket, key)
                try:
                    for chunk in response.stream(_CHUNK):
                        handle.write(chunk)
                finally:
                    response.close()
                    response.release_conn()
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def exists(self, key: str) -> bool:
        """Whether ``key`` names an object (one HEAD request)."""
        try:
            self.stat(key)
        except NotFound:
            return False
        return True

    def stat(self, key: str) -> ObjectInfo:
        """Size, content type and decoded user metadata from a HEAD request."""
        check_key(key)
        with self._translated(key):
            self._ensure_bucket()
            found = self._client.stat_object(self._bucket, key)
        return ObjectInfo(
            key=key,
            size=int(found.size or 0),
            content_type=found.content_type or DEFAULT_CONTENT_TYPE,
            metadata=from_headers(found.metadata or {}),
        )

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix`` in S3's (sorted) order, fetched page by page."""
        check_prefix(prefix)
        return self._keys(prefix)

    def presigned_url(self, key: str, seconds: int | None = None) -> str | None:
        """A GET URL valid ``seconds`` (default ``presign_seconds``); signed offline."""
        check_key(key)
        expires = timedelta(
            seconds=check_presign_seconds(self._presign_seconds if seconds is None else seconds)
        )
        with self._translated(key):
            return str(self._signer.presigned_get_object(self._bucket, key, expires=expires))

    def check(self) -> None:
        """Reach the server and make sure the bucket exists (creating it if needed)."""
        self._bucket_ready = False
        with self._translated():
            self._ensure_bucket()

    # --- internals -------------------------------------------------------------------------

    def _keys(self, prefix: str) -> Iterator[str]:
        with self._translated():
            self._ensure_bucket()
            for found in self._client.list_objects(
                self._bucket, prefix=prefix or None, recursive=True
            ):
                if found.object_name and not found.is_dir:
                    yield found.object_name

    def _ensure_bucket(self) -> None:
        """Create the bucket once per process; no policy is set, so it stays private."""
        if self._bucket_ready:
            return
        if not self._client.bucket_exists(self._bucket):
            try:
                self._client.make_bucket(self._bucket, location=self._region)
            except S3Error as exc:
                if exc.code not in _BUCKET_RACE:
                    raise
        self._bucket_ready = True

    @contextmanager
    def _translated(self, key: str | None = None) -> Iterator[None]:
        """Map minio/urllib3 exceptions to NotFound or StorageUnavailable."""
        try:
            yield
        except S3Error as exc:
            if key is not None and exc.code in _MISSING_OBJECT:
                raise NotFound(key) from exc
            if exc.code in _BUCKET_GONE:
                self._bucket_ready = False
            raise StorageUnavailable(
                f"{self._endpoint}/{self._bucket}: {exc.code}: {exc.message}"
            ) from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise StorageUnavailable(
                f"{self._endpoint}: {type(reason).__name__}: {reason}"
            ) from exc


def _split_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """Accept ``host:port`` or ``http(s)://host:port``; a scheme decides TLS."""
    if not endpoint:
        raise ValueError("storage.minio_endpoint must be set for the minio backend")
    if "://" not in endpoint:
        return endpoint.rstrip("/"), secure
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        raise ValueError(f"storage.minio_endpoint must be host:port, got {endpoint!r}")
    return parts.netloc, parts.scheme == "https"
