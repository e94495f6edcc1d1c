"""Objects as files under one directory: the embedded default for a single commune PC or NAS.

Every write goes to a hidden temporary file in the target's directory, is fsynced and then
renamed over the target, so a power cut leaves either the old object or the new one, never a
torn file. Content type and metadata live in a JSON sidecar at the same relative path under
``<root>/.meta/``; key segments never start with ``.``, so neither the sidecar tree nor the
temporary files can collide with an object. Files are created owner-only (0600) because they
hold citizens' documents.
"""

from __future__ import annotations

import json
import os
import shutil
import stat as stat_mode
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from schemas.errors import NotFound, StorageUnavailable
from storage.objects.base import (
    DEFAULT_CONTENT_TYPE,
    InvalidKey,
    ObjectInfo,
    check_content_type,
    check_deletable_prefix,
    check_key,
    check_prefix,
    put_immutable_via,
)
from storage.objects.metadata import check_metadata

META_DIR = ".meta"
_CHUNK = 1 << 20


class LocalObjectStore:
    """``ObjectStore`` on a local (or mounted) directory."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root).absolute()
        # Set once this process has created or seen the root: from then on a missing root
        # means the disk went away (unmounted USB drive, NAS down), not "empty store".
        self._root_seen = False

    @property
    def root(self) -> Path:
        """The directory holding the objects."""
        return self._root

    def local_path(self, key: str) -> Path:
        """Filesystem path of an existing object, so the API can serve it without copying."""
        path = self._object_path(check_key(key))
        self._file_stat(key, path)
        return path

    # --- writing ---------------------------------------------------------------------------

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` with ``data``."""
        record = self._record(check_key(key), content_type, metadata)
        self._write(key, record, lambda handle: handle.write(data))

    def put_file(
        self,
        key: str,
        path: Path,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` from a local file, copied in 1 MiB chunks."""
        record = self._record(check_key(key), content_type, metadata)
        with Path(path).open("rb") as source:
            self._write(key, record, lambda handle: shutil.copyfileobj(source, handle, _CHUNK))

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
        """Delete one abandoned derived version, leftover temporary files included."""
        check_deletable_prefix(prefix)
        doomed = sum(1 for _ in self.list(prefix))
        relative = prefix.rstrip("/").split("/")
        with self._storage_errors():
            for tree in (self._root, self._root / META_DIR):
                directory = tree.joinpath(*relative)
                with suppress(FileNotFoundError):
                    shutil.rmtree(directory)
                _prune_empty_parents(directory, stop=tree)
        return doomed

    # --- reading ---------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        """The whole object in memory."""
        path = self._object_path(check_key(key))
        with self._reading(key):
            return path.read_bytes()

    def download(self, key: str, path: Path) -> None:
        """Copy the object to ``path`` atomically (parent directories are created)."""
        source = self._object_path(check_key(key))
        with self._reading(key):
            handle = source.open("rb")
        with handle:
            _atomic_write(Path(path), lambda out: shutil.copyfileobj(handle, out, _CHUNK))

    def exists(self, key: str) -> bool:
        """Whether ``key`` names an object."""
        try:
            self.local_path(key)
        except NotFound:
            return False
        return True

    def stat(self, key: str) -> ObjectInfo:
        """Size from the file, content type and metadata from its sidecar."""
        size = self._file_stat(key, self._object_path(check_key(key))).st_size
        try:
            record = json.loads(self._meta_path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            record = {}
        except (OSError, ValueError) as exc:
            raise StorageUnavailable(f"unreadable metadata for {key!r}: {exc}") from exc
        return ObjectInfo(
            key=key,
            size=size,
            content_type=str(record.get("content_type") or DEFAULT_CONTENT_TYPE),
            metadata={str(k): str(v) for k, v in (record.get("metadata") or {}).items()},
        )

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix``, sorted like S3 (keys are ASCII)."""
        check_prefix(prefix)
        self._require_root()
        directory = prefix.rpartition("/")[0]
        start = self._root.joinpath(*directory.split("/")) if directory else self._root
        found: list[str] = []
        for current, subdirs, files in os.walk(start):
            subdirs[:] = [name for name in subdirs if not name.startswith(".")]
            relative = Path(current).relative_to(self._root).as_posix()
            base = "" if relative == "." else relative + "/"
            found.extend(
                base + name
                for name in files
                if not name.startswith(".") and (base + name).startswith(prefix)
            )
        return iter(sorted(found))

    def presigned_url(self, key: str, seconds: int | None = None) -> str | None:
        """Always None: the API streams local objects itself (see ``local_path``)."""
        check_key(key)
        return None

    def check(self) -> None:
        """Create the root if needed and prove a file can be written, synced and removed."""
        with self._storage_errors():
            self._ensure_root()
            descriptor, probe = tempfile.mkstemp(prefix=".check-", dir=self._root)
            try:
                os.write(descriptor, b"ok")
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
                os.unlink(probe)

    # --- internals -------------------------------------------------------------------------

    def _object_path(self, key: str) -> Path:
        return self._root.joinpath(*key.split("/"))

    def _meta_path(self, key: str) -> Path:
        return self._root.joinpath(META_DIR, *key.split("/"))

    def _file_stat(self, key: str, path: Path) -> os.stat_result:
        with self._reading(key):
            result = path.stat()
            if not stat_mode.S_ISREG(result.st_mode):
                raise IsADirectoryError(path)
        return result

    @staticmethod
    def _record(key: str, content_type: str, metadata: Mapping[str, str] | None) -> dict[str, Any]:
        return {
            "content_type": check_content_type(content_type),
            "metadata": check_metadata(metadata),
        }

    def _write(self, key: str, record: dict[str, Any], fill: Callable[[IO[bytes]], object]) -> None:
        with self._storage_errors():
            self._ensure_root()
        sidecar = json.dumps(record, ensure_ascii=True, sort_keys=True).encode("ascii")
        with self._storage_errors(key):
            # Sidecar first: an object that exists always has its final metadata in place.
            _atomic_write(self._meta_path(key), lambda handle: handle.write(sidecar))
            _atomic_write(self._object_path(key), fill)

    def _ensure_root(self) -> None:
        if self._root_seen:
            self._require_root()
        else:
            self._root.mkdir(parents=True, exist_ok=True)
            self._root_seen = True

    def _require_root(self) -> None:
        if self._root.is_dir():
            self._root_seen = True
        elif self._root_seen or self._root.exists():
            raise StorageUnavailable(f"object root {self._root} is missing or not a directory")

    @contextmanager
    def _reading(self, key: str) -> Iterator[None]:
        """Missing file → NotFound (unless the whole root vanished); other OSError → down."""
        try:
            yield
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            self._require_root()
            raise NotFound(key) from exc
        except OSError as exc:
            raise StorageUnavailable(f"{self._root}: {exc}") from exc

    @contextmanager
    def _storage_errors(self, key: str | None = None) -> Iterator[None]:
        """On writes, a file/directory clash is a bad key; anything else means storage trouble."""
        try:
            yield
        except (NotADirectoryError, IsADirectoryError, FileExistsError) as exc:
            if key is None:
                raise StorageUnavailable(f"{self._root}: {exc}") from exc
            raise InvalidKey(f"{key!r} clashes with an existing object or prefix") from exc
        except OSError as exc:
            raise StorageUnavailable(f"{self._root}: {exc}") from exc


def _atomic_write(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """Write via a synced temporary file in the same directory, then rename over ``path``."""
    for attempt in (1, 2):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
            )
            break
        except FileNotFoundError:
            if attempt == 2:  # the directory was pruned by a concurrent delete, twice
                raise
    try:
        with os.fdopen(descriptor, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _prune_empty_parents(directory: Path, stop: Path) -> None:
    """Remove now-empty directories between ``directory`` and ``stop`` (exclusive)."""
    current = directory.parent
    while current != stop and stop in current.parents:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent
