"""The whole pipeline on real services gives the same results as on the embedded defaults.

One run on local folder + SQLite + in-process jobs; one run with ``SOHOA_*`` environment
variables pointing at an S3-protocol server (moto on loopback, or the real MinIO named by
``MINIO_ENDPOINT``), the real Redis (a uniquely named queue, drained by a ``sohoa worker
--burst`` subprocess) and the real PostgreSQL. Fields, doc types, versions, review flags and
the object key sets must be identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import select

from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings, StorageSettings
from storage.index.tables import DossierComponent, Result, Scan
from storage.objects import ObjectStore
from tests.samples_helpers import make_scan
from tests.storage_fixtures import drop_bucket, moto_endpoint, moto_settings, real_minio_settings
from workers.intake import ingest_file
from workers.queues import InlineQueue, RqQueue, open_queue
from workers.services import Services

pytestmark = [pytest.mark.ocr, pytest.mark.redis, pytest.mark.postgres]

__all__ = ["moto_endpoint"]  # the session fixture, imported so pytest finds it here

REDIS_URL = os.environ.get("SOHOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")  # as conftest
SECRET = "a-test-secret-not-the-default"
SCANS: list[tuple[DocType, int, Any, str, str]] = [
    (DocType.ID_CARD, 31, "jpeg", "000.00.20.H12-240315-0007", "Căn cước"),
    (DocType.BIRTH_CERTIFICATE, 32, "pdf", "000.00.20.H12-240315-0008", "Giấy khai sinh"),
    (DocType.MARRIAGE_CERTIFICATE, 33, "png", "000.00.20.H12-240316-0001", "Giấy kết hôn"),
    (DocType.DEATH_CERTIFICATE, 34, "tiff", "000.00.20.H12-240316-0002", "Trích lục khai tử"),
]


@pytest.fixture
def scan_files(tmp_path: Path) -> list[tuple[Path, DossierContext]]:
    files = []
    for doc_type, seed, fmt, dossier, component in SCANS:
        path, _ = make_scan(tmp_path / "scans", doc_type, seed=seed, fmt=fmt)
        files.append((path, DossierContext(dossier_code=dossier, component=component)))
    return files


@pytest.fixture
def s3(request: pytest.FixtureRequest) -> Iterator[StorageSettings]:
    """A fresh bucket on the real MinIO if configured, else on the loopback moto server."""
    chosen = real_minio_settings() or moto_settings(request.getfixturevalue("moto_endpoint"))
    yield chosen
    drop_bucket(chosen)


@pytest.fixture
def redis_names() -> Iterator[str]:
    """A unique queue-name stem; every Redis key naming it is deleted afterwards."""
    stem = f"sohoa-test-{uuid.uuid4().hex[:10]}"
    yield stem
    connection = Redis.from_url(REDIS_URL)
    doomed = list(connection.scan_iter(match=f"*{stem}*", count=1000))
    if doomed:
        connection.delete(*doomed)
    listed = [name for name in connection.smembers("rq:queues") if stem.encode() in name]
    if listed:
        connection.srem("rq:queues", *listed)
    connection.close()


def _env_settings(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    s3: StorageSettings,
    postgres_url: str,
    stem: str,
) -> Settings:
    """Settings the way a container gets them: ``SOHOA_*`` environment variables only."""
    env = {
        "SOHOA_DATA_DIR": str(tmp_path / "real"),
        "SOHOA_STORAGE__BACKEND": "minio",
        "SOHOA_STORAGE__MINIO_ENDPOINT": s3.minio_endpoint,
        "SOHOA_STORAGE__MINIO_ACCESS_KEY": s3.minio_access_key,
        "SOHOA_STORAGE__MINIO_SECRET_KEY": s3.minio_secret_key,
        "SOHOA_STORAGE__MINIO_BUCKET": s3.minio_bucket,
        "SOHOA_STORAGE__MINIO_SECURE": "true" if s3.minio_secure else "false",
        "SOHOA_INDEX__URL": postgres_url,
        "SOHOA_QUEUE__REDIS_URL": REDIS_URL,
        "SOHOA_QUEUE__INTAKE_QUEUE": f"{stem}-intake",
        "SOHOA_QUEUE__REOCR_QUEUE": f"{stem}-reocr",
        "SOHOA_QUEUE__MAINTENANCE_QUEUE": f"{stem}-maintenance",
        "SOHOA_WATCH__DROP_DIRS": f'["{tmp_path / "drop"}"]',
        "SOHOA_API__SECRET_KEY": SECRET,
    }
    for name in [n for n in os.environ if n.startswith("SOHOA_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.storage.backend == "minio"
    assert settings.storage.minio_bucket == s3.minio_bucket
    assert settings.index.url == postgres_url
    assert settings.queue.redis_url == REDIS_URL
    assert settings.queue.intake_queue == f"{stem}-intake"
    assert settings.watch.drop_dirs == [tmp_path / "drop"]
    assert settings.api.secret_key == SECRET
    return settings


def _snapshot(services: Services, sha256s: list[str]) -> dict[str, Any]:
    """What staff and later jobs see: per original, its scan, result row and objects."""
    store: ObjectStore = services.store
    found: dict[str, Any] = {}
    with services.index.session() as session:
        for sha256 in sha256s:
            scan = session.scalars(select(Scan).where(Scan.sha256 == sha256)).one()
            rows = session.scalars(select(Result).where(Result.scan_id == scan.id)).all()
            components = session.scalars(
                select(DossierComponent).where(DossierComponent.scan_id == scan.id)
            ).all()
            keys = sorted(store.list(f"derived/{sha256}/")) + sorted(
                store.list(f"originals/{sha256}")
            )
            found[sha256] = {
                "scan": (scan.state, scan.current_version, scan.page_count, scan.filename),
                "results": [
                    {
                        "version": row.version,
                        "is_current": row.is_current,
                        "doc_type": row.doc_type,
                        "fields": row.fields,
                        "needs_review": row.needs_review,
                        "review_reasons": row.review_reasons,
                        "owner_id_number": row.owner_id_number,
                        "owner_name": row.owner_name,
                        "document_number": row.document_number,
                        "derived_prefix": row.derived_prefix,
                        "dossier_code": row.dossier_code,
                        "mean_confidence": row.mean_confidence,
                    }
                    for row in rows
                ],
                "components": [(c.name, c.status, c.result_id is not None) for c in components],
                "keys": keys,
                "metadata": {key: store.stat(key).metadata for key in keys},
            }
    return found


def _run_embedded(
    tmp_path: Path, files: list[tuple[Path, DossierContext]]
) -> tuple[list[str], dict[str, Any]]:
    settings = Settings.rooted_at(tmp_path / "embedded")
    settings.api.secret_key = SECRET
    services = Services.open(settings)
    queue = open_queue(services)
    assert isinstance(queue, InlineQueue)
    sha256s = []
    for path, context in files:
        receipt = ingest_file(path, context, services)
        queue.enqueue_scan(receipt.scan_id)
        sha256s.append(receipt.sha256)
    snapshot = _snapshot(services, sha256s)
    services.index.dispose()
    return sha256s, snapshot


def test_real_services_give_the_embedded_results(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scan_files: list[tuple[Path, DossierContext]],
    s3: StorageSettings,
    postgres_url: str,
    redis_names: str,
) -> None:
    sha256s, embedded = _run_embedded(tmp_path, scan_files)

    settings = _env_settings(monkeypatch, tmp_path, s3, postgres_url, redis_names)
    services = Services.open(settings)
    queue = open_queue(services)
    assert isinstance(queue, RqQueue)
    for (path, context), sha256 in zip(scan_files, sha256s, strict=True):
        receipt = ingest_file(path, context, services)
        assert (receipt.sha256, receipt.state) == (sha256, ScanState.QUEUED)
        assert queue.enqueue_scan(receipt.scan_id) is None  # queued, not run here
    assert queue.queue(settings.queue.intake_queue).count == len(scan_files)

    sohoa = Path(sys.executable).with_name("sohoa")
    worker = subprocess.run(
        [str(sohoa), "worker", "--burst"], capture_output=True, text=True, timeout=300
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    intake = queue.queue(settings.queue.intake_queue)
    assert intake.count == 0
    assert intake.failed_job_registry.count == 0, worker.stderr
    assert intake.finished_job_registry.count == len(scan_files)

    real = _snapshot(services, sha256s)
    services.index.dispose()
    assert [r["results"][0]["doc_type"] for r in real.values()] == [s[0].value for s in SCANS]
    for sha256 in sha256s:
        assert real[sha256] == embedded[sha256], sha256
    # The S3 objects really carry the owner's hashed ID, type and version.
    id_card = real[sha256s[0]]
    page = f"derived/{sha256s[0]}/v1/page-0001.png"
    assert set(id_card["metadata"][page]) == {"doc_type", "version", "owner_id_hash"}
