"""One contract, every backend: the local directory, moto's S3 server, and a real MinIO if set.

The real-MinIO parameter is skipped unless ``MINIO_ENDPOINT`` (with ``MINIO_ACCESS_KEY`` and
``MINIO_SECRET_KEY``) is set; that is the only skip in this module.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schemas.errors import NotFound, StorageUnavailable
from schemas.settings import StorageSettings
from storage import keys
from storage.objects import (
    DEFAULT_CONTENT_TYPE,
    InvalidKey,
    LocalObjectStore,
    MinioObjectStore,
    ObjectInfo,
    ObjectStore,
    open_object_store,
)
from storage.objects.metadata import from_headers, to_headers
from tests.storage_fixtures import (
    closed_loopback_port,
    drop_bucket,
    moto_endpoint,  # noqa: F401 - a fixture: pytest finds it by name
    moto_settings,
    real_minio_settings,
    s3_settings,
    silent_endpoint,
)

SHA = hashlib.sha256(b"a scanned birth certificate").hexdigest()
OTHER_SHA = hashlib.sha256(b"a scanned household register").hexdigest()
BIG = 11 * 1024 * 1024 + 12_345  # over the 8 MiB part size: a real multipart upload


@pytest.fixture(params=["local", "moto", "minio"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    """A fresh, empty store of each backend (its own directory or bucket)."""
    if request.param == "local":
        yield open_object_store(StorageSettings(backend="local", local_root=tmp_path / "objects"))
        return
    if request.param == "moto":
        settings = moto_settings(request.getfixturevalue("moto_endpoint"))
    else:
        found = real_minio_settings()
        if found is None:
            pytest.skip("MINIO_ENDPOINT is not set: no real MinIO to test against")
        settings = found
    try:
        yield open_object_store(settings)
    finally:
        drop_bucket(settings)


def _is_s3(store: ObjectStore) -> bool:
    return isinstance(store, MinioObjectStore)


def _write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        remaining = size
        while remaining:
            chunk = os.urandom(min(remaining, 1 << 20))
            digest.update(chunk)
            handle.write(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- round trips ------------------------------------------------------------------------------


def test_bytes_round_trip_and_overwrite(store: ObjectStore) -> None:
    key = keys.text_key(SHA, 1)
    store.put_bytes(key, b'{"pages": []}', "application/json", {"version": "1"})

    assert store.get_bytes(key) == b'{"pages": []}'
    assert store.stat(key) == ObjectInfo(key, 13, "application/json", {"version": "1"})

    store.put_bytes(key, b"replaced")  # plain puts overwrite content *and* metadata
    assert store.get_bytes(key) == b"replaced"
    assert store.stat(key) == ObjectInfo(key, 8, DEFAULT_CONTENT_TYPE, {})


def test_empty_object(store: ObjectStore) -> None:
    key = keys.fields_key(SHA, 1)
    store.put_bytes(key, b"", "application/json")
    assert store.get_bytes(key) == b""
    assert store.stat(key).size == 0


def test_large_file_streamed_round_trip(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "scan.pdf"
    digest = _write_random_file(source, BIG)
    key = keys.original_key(digest)

    store.put_file(key, source, "application/pdf", {"doc-type": "giấy khai sinh"})
    info = store.stat(key)
    assert (info.size, info.content_type) == (BIG, "application/pdf")
    assert info.metadata == {"doc-type": "giấy khai sinh"}

    target = tmp_path / "out" / "copy.pdf"
    store.download(key, target)
    assert _file_sha256(target) == digest
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind

    target.write_bytes(b"stale")  # download replaces an existing file
    store.download(key, target)
    assert _file_sha256(target) == digest


def test_vietnamese_metadata_round_trip(store: ObjectStore) -> None:
    metadata = {
        "doc-type": "Giấy chứng nhận quyền sử dụng đất",
        "owner-name": "Nguyễn Thị Ánh Tuyết — Đắk Lắk",
        "owner-id-hash": hashlib.sha256(b"001203004567").hexdigest(),
        "note": "  50% xong; a=b & c/d?e  ",
        "escaped-looking": "%C4%90 is not decoded twice",
        "version": "3",
        "doc_type": "underscores survive proxies",
        "a_b-c_d": "mixed separators",
    }
    key = keys.thumbnail_key(SHA, 3)
    store.put_bytes(key, b"\xff\xd8jpeg", "image/jpeg", metadata)
    assert store.stat(key).metadata == metadata


def test_metadata_wire_form_is_plain_ascii_and_reversible() -> None:
    headers = to_headers({"doc_type": "Hộ khẩu", "owner-name": "Lê Văn A"})
    assert headers == {
        "x-amz-meta-doc--type": "H%E1%BB%99%20kh%E1%BA%A9u",
        "x-amz-meta-owner-name": "L%C3%AA%20V%C4%83n%20A",
    }
    assert from_headers({"X-Amz-Meta-Doc--Type": headers["x-amz-meta-doc--type"]}) == {
        "doc_type": "Hộ khẩu"
    }


def test_metadata_and_content_type_rules_are_the_same_everywhere(store: ObjectStore) -> None:
    key = keys.text_key(SHA, 1)
    for bad_metadata in (
        {"Doc-Type": "x"},  # S3 lower-cases header names
        {"doc__type": "x"},  # doubled separators are reserved for the wire form of '_'
        {"doc--type": "x"},
        {"doc_-type": "x"},
        {"-doc": "x"},
        {"doc_": "x"},
        {"doc type": "x"},
        {"loại": "x"},
        {"": "x"},
        {"n": 3},
        {"big": "ư" * 400},  # over S3's 2 KB once encoded
    ):
        with pytest.raises(ValueError):
            store.put_bytes(key, b"x", "text/plain", bad_metadata)  # type: ignore[arg-type]
    for bad_type in ("", "text/plain\r\nX-Evil: 1", "văn bản/thường"):
        with pytest.raises(ValueError):
            store.put_bytes(key, b"x", bad_type)
    assert not store.exists(key)


# --- immutable originals ------------------------------------------------------------------------


def test_put_immutable_is_idempotent(store: ObjectStore, tmp_path: Path) -> None:
    data = b"a scanned birth certificate"
    key = keys.original_key(SHA)
    assert store.put_immutable(key, data, "application/pdf", {"version": "1"}) is True
    assert store.put_immutable(key, data, "image/png", {"version": "2"}) is False
    assert store.get_bytes(key) == data
    assert store.stat(key) == ObjectInfo(key, len(data), "application/pdf", {"version": "1"})

    # Whatever the second caller brings, an existing key is left alone.
    derived = keys.thumbnail_key(SHA, 1)
    assert store.put_immutable(derived, b"first", "image/jpeg") is True
    assert store.put_immutable(derived, b"second", "image/jpeg") is False
    assert store.get_bytes(derived) == b"first"

    source = tmp_path / "scan.tif"
    digest = _write_random_file(source, 70_000)
    assert store.put_immutable(keys.original_key(digest), source, "image/tiff") is True
    assert store.put_immutable(keys.original_key(digest), source, "image/tiff") is False
    assert store.get_bytes(keys.original_key(digest)) == source.read_bytes()


def test_put_immutable_refuses_content_not_matching_its_address(
    store: ObjectStore, tmp_path: Path
) -> None:
    key = keys.original_key(OTHER_SHA)
    with pytest.raises(ValueError, match="hashes to"):
        store.put_immutable(key, b"something else")
    wrong = tmp_path / "wrong.pdf"
    wrong.write_bytes(b"something else")
    with pytest.raises(ValueError, match="hashes to"):
        store.put_immutable(key, wrong)
    assert not store.exists(key)


# --- exists, stat, list, delete -----------------------------------------------------------------


def _populate(store: ObjectStore) -> dict[str, list[str]]:
    groups = {
        "original": [keys.original_key(SHA)],
        "v1": [
            keys.page_image_key(SHA, 1, 1),
            keys.page_image_key(SHA, 1, 2),
            keys.text_key(SHA, 1),
        ],
        "v2": [keys.text_key(SHA, 2)],
        "v10": [keys.searchable_pdf_key(SHA, 10), keys.fields_key(SHA, 10)],
        "other": [keys.text_key(OTHER_SHA, 1)],
    }
    for group in groups.values():
        for key in group:
            store.put_bytes(key, key.encode())
    return groups


def test_exists_stat_and_list(store: ObjectStore) -> None:
    groups = _populate(store)
    everything = sorted(key for group in groups.values() for key in group)

    assert store.exists(keys.text_key(SHA, 1))
    assert not store.exists(keys.text_key(SHA, 3))
    assert not store.exists("derived")  # a "directory" is not an object
    assert store.stat(keys.text_key(SHA, 2)).size == len(keys.text_key(SHA, 2))

    assert list(store.list()) == everything
    assert list(store.list(keys.ORIGINALS_ROOT)) == groups["original"]
    assert list(store.list(keys.derived_prefix(SHA, 1))) == sorted(groups["v1"])
    assert list(store.list(keys.derived_root(SHA))) == sorted(
        groups["v1"] + groups["v2"] + groups["v10"]
    )
    # Like S3, a prefix is a string match, not a directory: "v1" also matches "v10".
    assert list(store.list(keys.derived_root(SHA) + "v1")) == sorted(groups["v1"] + groups["v10"])
    assert list(store.list(keys.derived_prefix(SHA, 1) + "page-")) == groups["v1"][:2]
    assert list(store.list("nothing-here/")) == []


def test_delete_prefix_removes_one_version_only(store: ObjectStore) -> None:
    groups = _populate(store)
    assert store.delete_prefix(keys.derived_prefix(SHA, 1)) == 3

    assert list(store.list(keys.derived_prefix(SHA, 1))) == []
    with pytest.raises(NotFound):
        store.get_bytes(keys.text_key(SHA, 1))
    survivors = sorted(groups["original"] + groups["v2"] + groups["v10"] + groups["other"])
    assert list(store.list()) == survivors
    assert store.delete_prefix(keys.derived_prefix(SHA, 1)) == 0

    # The same version can be written again afterwards.
    store.put_bytes(keys.text_key(SHA, 1), b"again")
    assert store.get_bytes(keys.text_key(SHA, 1)) == b"again"


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        keys.ORIGINALS_ROOT,
        keys.original_key(SHA),
        keys.DERIVED_ROOT,
        keys.derived_root(SHA),
        keys.derived_prefix(SHA, 1).rstrip("/"),  # would also take v10..v19
        keys.text_key(SHA, 1),
        "../",
    ],
)
def test_delete_prefix_refuses_anything_but_a_derived_version(
    store: ObjectStore, prefix: str
) -> None:
    store.put_bytes(keys.original_key(SHA), b"keep me")
    store.put_bytes(keys.text_key(SHA, 1), b"keep me too")
    with pytest.raises(InvalidKey):
        store.delete_prefix(prefix)
    assert len(list(store.list())) == 2


def test_missing_key_raises_not_found(store: ObjectStore, tmp_path: Path) -> None:
    key = keys.fields_key(SHA, 1)
    with pytest.raises(NotFound) as raised:
        store.get_bytes(key)
    assert key in str(raised.value)
    with pytest.raises(NotFound):
        store.stat(key)
    target = tmp_path / "out" / "fields.json"
    with pytest.raises(NotFound):
        store.download(key, target)
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []  # no partial file
    assert store.exists(key) is False
    assert not NotFound.retryable


# --- key safety ---------------------------------------------------------------------------------

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../escape",
    f"originals/../../{SHA}",
    "a//b",
    "a/./b",
    "a/",
    "./a",
    ".meta/a",
    "a/.hidden",
    "a\\..\\escape",
    "C:/escape",
    "a/b\x00c",
    "tệp/a",
    "a b",
    "~/a",
    "x" * 1025,
]


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_escaping_and_unsafe_keys_rejected(store: ObjectStore, bad: str, tmp_path: Path) -> None:
    calls: list[Callable[[], object]] = [
        lambda: store.put_bytes(bad, b"x"),
        lambda: store.put_file(bad, tmp_path / "missing.bin"),  # the key is checked first
        lambda: store.put_immutable(bad, b"x"),
        lambda: store.get_bytes(bad),
        lambda: store.download(bad, tmp_path / "out.bin"),
        lambda: store.exists(bad),
        lambda: store.stat(bad),
        lambda: store.presigned_url(bad),
    ]
    for call in calls:
        with pytest.raises(InvalidKey):
            call()
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["objects"])
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()
    assert list(store.list()) == []


@pytest.mark.parametrize("bad", ["/", "/etc", "../", "a/../", "a//", ".meta/", "a b"])
def test_unsafe_list_prefix_rejected(store: ObjectStore, bad: str) -> None:
    with pytest.raises(InvalidKey):
        store.list(bad)


# --- URLs and health ----------------------------------------------------------------------------


def test_presigned_url(store: ObjectStore) -> None:
    key = keys.thumbnail_key(SHA, 1)
    data = b"\xff\xd8 a thumbnail"
    store.put_bytes(key, data, "image/jpeg")
    url = store.presigned_url(key)
    if not _is_s3(store):
        assert url is None  # the API serves local files itself
        return
    assert url is not None
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == data
        assert response.headers["Content-Type"] == "image/jpeg"
    short = store.presigned_url(key, seconds=30)
    assert short is not None and "X-Amz-Expires=30" in short
    for bad in (0, -1, 8 * 24 * 3600):
        with pytest.raises(ValueError):
            store.presigned_url(key, seconds=bad)


def test_check_passes_and_creates_what_is_missing(store: ObjectStore) -> None:
    store.check()
    store.check()
    store.put_bytes(keys.original_key(SHA), b"x")
    store.check()


def test_unreachable_server_fails_fast(tmp_path: Path) -> None:
    endpoint = f"127.0.0.1:{closed_loopback_port()}"
    store = open_object_store(s3_settings(endpoint, "testing", "testing", "sohoa"))
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4")
    calls: list[Callable[[], object]] = [
        store.check,
        lambda: store.put_bytes(keys.text_key(SHA, 1), b"{}"),
        lambda: store.put_file(keys.original_key(SHA), source),
        lambda: store.put_immutable(keys.original_key(SHA), b"x"),
        lambda: store.get_bytes(keys.text_key(SHA, 1)),
        lambda: store.download(keys.text_key(SHA, 1), tmp_path / "out.json"),
        lambda: store.exists(keys.text_key(SHA, 1)),
        lambda: store.stat(keys.text_key(SHA, 1)),
        lambda: list(store.list(keys.ORIGINALS_ROOT)),
        lambda: store.delete_prefix(keys.derived_prefix(SHA, 1)),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(StorageUnavailable) as raised:
            call()
        assert time.monotonic() - started < 10
        assert raised.value.retryable
        assert endpoint in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.pdf"]


def test_silent_server_times_out() -> None:
    with silent_endpoint() as endpoint:
        settings = s3_settings(endpoint, "testing", "testing", "sohoa")
        store = MinioObjectStore(settings, connect_timeout=0.5, read_timeout=0.5, retries=1)
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            store.check()
        assert time.monotonic() - started < 10


# --- local backend specifics --------------------------------------------------------------------


def test_local_root_that_is_not_a_directory_is_unavailable(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    root.write_text("not a directory")
    store = LocalObjectStore(root)
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.put_bytes(keys.original_key(SHA), b"x")
    with pytest.raises(StorageUnavailable):
        store.exists(keys.original_key(SHA))


def test_local_root_vanishing_is_unavailable_not_empty(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    assert not store.exists(keys.original_key(SHA))  # fresh install: simply empty
    store.put_bytes(keys.original_key(SHA), b"x")
    shutil.rmtree(tmp_path / "objects")  # e.g. the USB disk was unplugged
    with pytest.raises(StorageUnavailable):
        store.exists(keys.original_key(SHA))
    with pytest.raises(StorageUnavailable):
        store.put_bytes(keys.original_key(SHA), b"x")
    with pytest.raises(StorageUnavailable):
        list(store.list())
    assert not (tmp_path / "objects").exists()


def test_local_layout_and_hidden_files(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    store = LocalObjectStore(root)
    key = keys.text_key(SHA, 1)
    store.put_bytes(key, b"{}", "application/json", {"doc-type": "Căn cước"})
    assert store.local_path(key) == root / "derived" / SHA / "v1" / "text.json"
    assert store.local_path(key).read_bytes() == b"{}"
    assert (root / ".meta" / "derived" / SHA / "v1" / "text.json").is_file()
    assert (store.local_path(key).stat().st_mode & 0o777) == 0o600
    # A crashed writer's temporary file is never listed.
    (root / "derived" / SHA / "v1" / ".text.json.abc.tmp").write_bytes(b"torn")
    assert list(store.list()) == [key]
    assert store.delete_prefix(keys.derived_prefix(SHA, 1)) == 1
    assert sorted(p.name for p in root.iterdir()) == [".meta"]
    with pytest.raises(NotFound):
        store.local_path(key)


def test_local_key_clashing_with_a_prefix_is_rejected(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put_bytes("a/b", b"x")
    with pytest.raises(InvalidKey):
        store.put_bytes("a", b"x")
    with pytest.raises(InvalidKey):
        store.put_bytes("a/b/c", b"x")
    assert not store.exists("a") and not store.exists("a/b/c")


# --- factory ------------------------------------------------------------------------------------


def test_factory_picks_the_configured_backend(tmp_path: Path) -> None:
    local = open_object_store(StorageSettings(local_root=tmp_path / "objects"))
    assert isinstance(local, LocalObjectStore) and isinstance(local, ObjectStore)
    remote = open_object_store(s3_settings("http://127.0.0.1:9", "k", "s", "sohoa"))
    assert isinstance(remote, MinioObjectStore) and isinstance(remote, ObjectStore)
    with pytest.raises(ValueError):
        open_object_store(StorageSettings(backend="minio"))
    with pytest.raises(ValueError):
        open_object_store(s3_settings("http://127.0.0.1:9/some/path", "k", "s", "sohoa"))
