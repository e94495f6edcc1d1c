"""Storage or index failing in the middle of a job: retryable, nothing half-visible, nothing lost.

The ordering under test (workers/jobs.py): the version number is taken from the index, the
artefacts are uploaded under that version, and only then one transaction writes the result row,
links the dossier components and moves the scan's current version. Until that commit nothing
points at the uploaded objects, so staff cannot see them, and a retry reuses the same version
number and overwrites the same keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from schemas.dossiers import DossierContext
from schemas.errors import IndexUnavailable, StorageUnavailable
from schemas.fields import DocType
from schemas.records import JobOutcome, ScanState
from schemas.settings import Settings, StorageSettings
from storage import keys
from storage.index.audit import citizen_hash
from storage.index.db import Index
from storage.index.search import search_by_id_number
from storage.index.tables import DossierComponent, Result, Scan
from storage.objects import LocalObjectStore, MinioObjectStore, open_object_store
from tests.samples_helpers import make_scan
from tests.storage_fixtures import closed_loopback_port, silent_endpoint
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

CONTEXT = DossierContext(dossier_code="000.00.20.H12-240315-0007", component="Căn cước")
DONE = (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)


class FlakyStore(LocalObjectStore):
    """The local store, except that the n-th upload of a derived object fails (once)."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root)
        self.derived_puts = 0
        self.fail_at = fail_at

    def _maybe_fail(self, key: str) -> None:
        if key.startswith(keys.DERIVED_ROOT):
            self.derived_puts += 1
            if self.derived_puts == self.fail_at:
                raise StorageUnavailable("injected: connection reset during upload")

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        self._maybe_fail(key)
        super().put_bytes(key, data, content_type, metadata)

    def put_file(
        self,
        key: str,
        path: Path,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        self._maybe_fail(key)
        super().put_file(key, path, content_type, metadata)


class FlakyIndex(Index):
    """The real index, except that the commit holding a new result fails like a dropped link.

    After that, the next ``down_for - 1`` sessions fail at connect (the database stays down).
    """

    def __init__(self, url: str, down_for: int = 1) -> None:
        super().__init__(url)
        self.down_for = down_for
        self.tripped = False

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self.tripped and self.down_for > 0:
            self.down_for -= 1
            raise IndexUnavailable("injected: database still down")
        with super().session() as session:
            yield session
            writes_result = any(isinstance(obj, Result) for obj in session.identity_map.values())
            if writes_result and not self.tripped:
                self.tripped = True
                self.down_for -= 1
                raise OperationalError(
                    "COMMIT", None, ConnectionError("server closed the connection unexpectedly")
                )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index_url(request: pytest.FixtureRequest, settings: Settings) -> str:
    if request.param == "sqlite":
        return settings.index.url
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def services(settings: Settings, index_url: str) -> Iterator[Services]:
    settings.index.url = index_url
    opened = Services.open(settings)
    yield opened
    opened.index.dispose()


def _ingest(tmp_path: Path, services: Services, seed: int = 21) -> tuple[int, str]:
    path, _ = make_scan(tmp_path, DocType.ID_CARD, seed=seed, fmt="jpeg")
    receipt = ingest_file(path, CONTEXT, services)
    return receipt.scan_id, receipt.sha256


def _scan(services: Services, scan_id: int) -> Scan:
    with services.index.session() as session:
        scan = session.get(Scan, scan_id)
        assert scan is not None
        return scan


def _results(services: Services) -> list[Result]:
    with services.index.session() as session:
        return list(session.scalars(select(Result)))


def _assert_nothing_visible(services: Services, scan_id: int) -> None:
    """No result row, the component still waiting, the scan queued for its retry."""
    assert _results(services) == []
    scan = _scan(services, scan_id)
    assert (scan.state, scan.current_version) == (ScanState.QUEUED.value, 0)
    with services.index.session() as session:
        component = session.scalars(select(DossierComponent)).one()
        assert (component.status, component.result_id) == ("not_digitized", None)


def _assert_one_result(services: Services, scan_id: int, sha256: str) -> Result:
    [row] = _results(services)
    assert (row.scan_id, row.version, row.is_current) == (scan_id, 1, True)
    assert row.derived_prefix == keys.derived_prefix(sha256, 1)
    scan = _scan(services, scan_id)
    assert scan.current_version == 1 and scan.state in ("done", "needs_review")
    assert row.owner_id_number, "the ID card's number was read"
    with services.index.session() as session:
        assert [r.id for r in search_by_id_number(session, row.owner_id_number, None)] == [row.id]
        component = session.scalars(select(DossierComponent)).one()
        assert (component.status, component.result_id) == ("digitized", row.id)
    return row


@pytest.mark.ocr
def test_storage_down_during_upload_is_retried_to_one_result(
    tmp_path: Path, services: Services
) -> None:
    scan_id, sha256 = _ingest(tmp_path, services)
    real_store = services.store
    services.store = FlakyStore(services.settings.storage.local_root, fail_at=2)

    with pytest.raises(StorageUnavailable) as raised:
        process_scan(scan_id, services)
    assert raised.value.retryable
    _assert_nothing_visible(services, scan_id)
    # The first page image made it before the failure: stored, but nothing points at it.
    assert list(services.store.list(keys.derived_prefix(sha256, 1))) == [
        keys.page_image_key(sha256, 1, 1)
    ]

    assert process_scan(scan_id, services) in DONE
    row = _assert_one_result(services, scan_id, sha256)
    assert _scan(services, scan_id).attempts == 2
    written = set(real_store.list(keys.derived_prefix(sha256, 1)))
    assert {keys.text_key(sha256, 1), keys.fields_key(sha256, 1)} <= written
    assert not list(real_store.list(keys.derived_prefix(sha256, 2)))
    secret = services.settings.api.secret_key
    for key in written:
        assert real_store.stat(key).metadata == {
            "doc_type": "id_card",
            "version": "1",
            "owner_id_hash": citizen_hash(secret, row.owner_id_number),
        }, key


@pytest.mark.ocr
@pytest.mark.parametrize("down_for", [1, 2], ids=["commit-fails", "database-stays-down"])
def test_index_failing_at_commit_leaves_no_result_and_retry_reuses_the_version(
    tmp_path: Path, services: Services, index_url: str, down_for: int
) -> None:
    scan_id, sha256 = _ingest(tmp_path, services)
    flaky = FlakyIndex(index_url, down_for=down_for)
    healthy = services.index
    services.index = flaky

    with pytest.raises(IndexUnavailable) as raised:
        process_scan(scan_id, services)
    assert raised.value.retryable and flaky.tripped
    services.index = healthy
    assert _results(services) == []
    scan = _scan(services, scan_id)
    # With the database still down even the requeue could not be written: the scan shows
    # "processing" until the retry, which must still go ahead.
    expected_state = ScanState.QUEUED if down_for == 1 else ScanState.PROCESSING
    assert (scan.state, scan.current_version) == (expected_state.value, 0)
    uploaded = set(services.store.list(keys.derived_prefix(sha256, 1)))
    assert keys.fields_key(sha256, 1) in uploaded  # objects first, index last

    services.index = flaky  # recovered (down_for used up): the same wrapper now commits
    assert process_scan(scan_id, services) in DONE
    services.index = healthy
    _assert_one_result(services, scan_id, sha256)
    assert set(services.store.list(keys.derived_root(sha256))) == uploaded
    flaky.dispose()


def _fast(seconds: float = 10.0) -> Callable[[], None]:
    started = time.monotonic()

    def check() -> None:
        assert time.monotonic() - started < seconds, "took too long: a hang, not a quick failure"

    return check


def test_unreachable_postgres_fails_fast_and_retryable(settings: Settings) -> None:
    settings.index.url = "postgresql+psycopg://postgres@127.0.0.1:1/test"
    done = _fast()
    with pytest.raises(IndexUnavailable):
        Services.open(settings)
    done()


@pytest.mark.slow
def test_silent_postgres_times_out_instead_of_hanging(settings: Settings) -> None:
    with silent_endpoint() as endpoint:
        settings.index.url = f"postgresql+psycopg://postgres@{endpoint}/test"
        done = _fast(15.0)
        with pytest.raises(IndexUnavailable):
            Services.open(settings)
        done()


def _unreachable_minio() -> MinioObjectStore:
    endpoint = f"127.0.0.1:{closed_loopback_port()}"
    return MinioObjectStore(
        StorageSettings(
            backend="minio", minio_endpoint=endpoint, minio_access_key="k", minio_secret_key="s"
        ),
    )


def test_unreachable_minio_at_intake_registers_nothing(tmp_path: Path, services: Services) -> None:
    path, _ = make_scan(tmp_path, DocType.ID_CARD, seed=22)
    services.store = _unreachable_minio()
    done = _fast()
    with pytest.raises(StorageUnavailable):
        ingest_file(path, CONTEXT, services)
    done()
    with services.index.session() as session:
        assert session.scalars(select(Scan)).all() == []


def test_unreachable_minio_in_a_job_requeues_the_scan(tmp_path: Path, services: Services) -> None:
    scan_id, sha256 = _ingest(tmp_path, services, seed=23)
    real_store = services.store
    services.store = _unreachable_minio()
    done = _fast()
    with pytest.raises(StorageUnavailable):
        process_scan(scan_id, services)
    done()
    _assert_nothing_visible(services, scan_id)
    assert real_store.exists(keys.original_key(sha256))
    assert open_object_store(services.settings.storage).exists(keys.original_key(sha256))
