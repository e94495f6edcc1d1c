"""Scans uploaded from the staff page go through the dropped file's intake: stored once, queued,
read (embedded mode: on the API's own job thread; with Redis: by an rq worker), bad files
quarantined with the reason staff read, duplicates recognised, other units' dossiers refused."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfWriter
from rq import SimpleWorker
from sqlalchemy import func, select

import workers.jobs
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.samples.writer import Format
from storage.index.audit import read_audit
from storage.index.tables import Scan
from tests.api_fixtures import (  # noqa: F401 - api_fixture is the "api" fixture
    DOSSIER,
    OTHER_DOSSIER,
    UNIT,
    ApiEnv,
    api_fixture,
    page_png,
)
from tests.intake_helpers import cleanup_redis, rq_settings
from tests.samples_helpers import make_scan
from workers.queues import RqQueue, scan_job_id
from workers.services import Services

FINAL = {"done", "needs_review", "quarantined", "failed", "split"}


def upload(
    api: ApiEnv,
    content: bytes,
    filename: str,
    *,
    dossier: str = DOSSIER,
    component: str = "Giấy khai sinh",
    user: str = "canbo1",
    **extra: str,
) -> dict:
    params = {"filename": filename, "dossier_code": dossier, "component": component, **extra}
    response = api.client.post(
        "/api/uploads",
        params=params,
        content=content,
        headers={**api.headers(user), "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 202, response.text
    return response.json()


def scan_row(api: ApiEnv, scan_id: int, user: str = "canbo1") -> dict:
    page = api.client.get("/api/scans", params={"limit": 200}, headers=api.headers(user)).json()
    return next(row for row in page["scans"] if row["id"] == scan_id)


def wait_final(api: ApiEnv, scan_id: int, timeout: float = 90.0) -> dict:
    """The scan's row once its job has an outcome (the job runs on the API's own thread)."""
    deadline = time.monotonic() + timeout
    while True:
        row = scan_row(api, scan_id)
        if row["state"] in FINAL or time.monotonic() > deadline:
            return row
        time.sleep(0.2)


def locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("matkhau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan_count(api: ApiEnv) -> int:
    with api.index.session() as session:
        return session.scalar(select(func.count()).select_from(Scan)) or 0


@pytest.mark.ocr
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_a_good_upload_is_queued_and_read_in_process(
    api: ApiEnv, tmp_path: Path, fmt: Format
) -> None:
    path, _ = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=3, fmt=fmt)
    receipt = upload(api, path.read_bytes(), path.name)
    assert receipt["duplicate"] is False and receipt["state"] == "queued"
    assert "Đã nhận tệp" in receipt["message"]

    row = wait_final(api, receipt["scan_id"])
    assert row["state"] in ("done", "needs_review"), row
    assert row["result_id"] is not None and row["filename"] == path.name
    assert row["components"] == ["Giấy khai sinh"] and row["dossier_codes"] == [DOSSIER]
    assert row["unit_code"] == UNIT
    dossier = api.client.get(f"/api/dossiers/{DOSSIER}", headers=api.headers("canbo1")).json()
    assert [c["status"] for c in dossier["components"]] == ["digitized"]
    # Nothing is left of the temporary file: the original is in object storage only.
    uploads = Path(api.settings.watch.work_dir) / "uploads"
    assert not any(uploads.iterdir())
    with api.index.session() as session:
        entry = read_audit(session, action="upload")[0]
    assert entry.username == "canbo1" and entry.dossier_code == DOSSIER
    assert f"scan={receipt['scan_id']}" in entry.query


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (locked_pdf(), "co mat khau.pdf", "đặt mật khẩu"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 300, "hong.pdf", "bị hỏng"),
        (b"this is not a scan at all" * 10, "ghi chu.pdf", "không được hỗ trợ"),
    ],
)
def test_a_bad_upload_is_quarantined_with_its_vietnamese_reason(
    api: ApiEnv, content: bytes, name: str, reason: str
) -> None:
    receipt = upload(api, content, name)
    row = wait_final(api, receipt["scan_id"])
    assert row["state"] == "quarantined" and row["state_label"] == "Bị cách ly"
    assert reason in row["reason"].splitlines()[0]
    quarantined = api.client.get(
        "/api/scans", params={"state": "quarantined"}, headers=api.headers("canbo1")
    ).json()
    assert [r["id"] for r in quarantined["scans"]] == [receipt["scan_id"]]


def test_a_duplicate_upload_is_recognised_and_linked_to_the_second_dossier(api: ApiEnv) -> None:
    content = page_png("GIAY KHAI SINH")
    first = upload(api, content, "khai sinh.png")
    wait_final(api, first["scan_id"])
    other_dossier = f"{UNIT}-240316-0002"
    again = upload(api, content, "ban sao.png", dossier=other_dossier, component="Bản sao")
    assert again["duplicate"] is True and again["scan_id"] == first["scan_id"]
    assert "đã được nhận trước đó" in again["message"]
    assert scan_count(api) == 1
    row = scan_row(api, first["scan_id"])
    assert row["dossier_codes"] == [DOSSIER, other_dossier]
    dossier = api.client.get(f"/api/dossiers/{other_dossier}", headers=api.headers("canbo1"))
    assert dossier.json()["components"][0]["result_id"] == row["result_id"]


def test_another_units_dossier_is_refused_and_the_refusal_audited(api: ApiEnv) -> None:
    response = api.client.post(
        "/api/uploads",
        params={"filename": "a.png", "dossier_code": OTHER_DOSSIER, "component": "Giấy khai sinh"},
        content=page_png(),
        headers=api.headers("canbo1"),
    )
    assert response.status_code == 403
    assert "thuộc đơn vị" in response.json()["message"]
    assert scan_count(api) == 0
    with api.index.session() as session:
        entry = read_audit(session, action="upload_refused")[0]
    assert entry.username == "canbo1" and entry.dossier_code == OTHER_DOSSIER


def test_a_body_over_the_limit_is_refused_while_streaming(api: ApiEnv) -> None:
    api.settings.limits.max_bytes = 1000

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is met while it arrives
        for _ in range(4):
            yield b"\x89PNG\r\n\x1a\n" + b"\x00" * 500

    for body in (b"\x00" * 2000, chunks()):
        response = api.client.post(
            "/api/uploads",
            params={"filename": "lon.png", "dossier_code": DOSSIER},
            content=body,
            headers=api.headers("canbo1"),
        )
        assert response.status_code == 413, response.text
        assert response.json()["message"].startswith("Tệp tải lên quá lớn")
    assert scan_count(api) == 0
    assert not any((Path(api.settings.watch.work_dir) / "uploads").iterdir())
    limits = api.client.get("/api/uploads", headers=api.headers("canbo1")).json()
    assert limits["max_bytes"] == 1000


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filename": "a.png", "dossier_code": "HS-1"}, "Mã hồ sơ: mã hồ sơ không đúng dạng"),
        ({"filename": "a.png"}, "Mã hồ sơ: thiếu trường bắt buộc"),
        ({"filename": ".an.png", "dossier_code": DOSSIER}, "Tên tệp"),
        ({"filename": "a.png.json", "dossier_code": DOSSIER}, "Tên tệp"),
        ({"filename": "a.png", "dossier_code": DOSSIER, "kind": "x"}, "Loại số hóa"),
        ({"filename": "a.png", "dossier_code": DOSSIER, "component": "x" * 201}, "tối đa 200"),
    ],
)
def test_invalid_upload_context_is_refused_in_vietnamese(
    api: ApiEnv, params: dict[str, str], message: str
) -> None:
    response = api.client.post(
        "/api/uploads", params=params, content=page_png(), headers=api.headers("canbo1")
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["message"]
    assert scan_count(api) == 0


def test_a_path_in_the_filename_keeps_only_the_name(api: ApiEnv) -> None:
    receipt = upload(api, b"not a scan", "C:\\May quet\\..\\hoso.pdf")
    assert receipt["filename"] == "hoso.pdf"


def test_a_cookie_upload_needs_the_pages_header(api: ApiEnv) -> None:
    login = api.client.post("/api/login", json={"username": "canbo1", "password": "mat-khau-123"})
    assert login.status_code == 200
    params = {"filename": "a.png", "dossier_code": DOSSIER}
    refused = api.client.post("/api/uploads", params=params, content=page_png())
    assert refused.status_code == 403 and scan_count(api) == 0
    taken = api.client.post(
        "/api/uploads",
        params=params,
        content=page_png(),
        headers={"X-Requested-With": "sohoa"},
    )
    assert taken.status_code == 202


@pytest.mark.redis
@pytest.mark.ocr
def test_with_redis_the_upload_is_queued_for_a_worker(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from sohoa.api.app import create_app
    from storage.index.db import Index
    from storage.objects.local import LocalObjectStore
    from tests.api_fixtures import TODAY, add_users

    settings.api.secret_key = "test-secret-key"
    settings.queue = rq_settings()
    index = Index(settings.index.url)
    index.create_schema()
    store = LocalObjectStore(settings.storage.local_root)
    add_users(index)
    services = Services(settings=settings, store=store, index=index)
    monkeypatch.setattr(workers.jobs, "_process_services", services)  # what rq jobs run with
    app = create_app(settings, index=index, store=store, today=lambda: TODAY)
    try:
        with TestClient(app) as client:
            api = ApiEnv(client=client, index=index, store=store, settings=settings)
            path, _ = make_scan(tmp_path, DocType.BIRTH_CERTIFICATE, seed=4)
            receipt = upload(api, path.read_bytes(), path.name)
            rq = RqQueue(settings.queue)
            job = rq.fetch(scan_job_id(settings.queue, receipt["scan_id"]))
            assert job is not None and scan_row(api, receipt["scan_id"])["state"] == "queued"
            queue = rq.queue(settings.queue.intake_queue)
            SimpleWorker([queue], connection=rq.connection, serializer=queue.serializer).work(
                burst=True
            )
            assert scan_row(api, receipt["scan_id"])["state"] in ("done", "needs_review")
    finally:
        cleanup_redis(settings.queue)
        index.dispose()


def test_a_file_named_after_a_card_shows_no_full_id_number(
    api: ApiEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sohoa.api")
    receipt = upload(api, b"not a scan", "CCCD_031185945989.pdf")
    assert "031185945989" not in str(receipt) and receipt["filename"].startswith("CCCD_")
    wait_final(api, receipt["scan_id"])
    with api.index.session() as session:
        entry = read_audit(session, action="upload")[0]
    assert "031185945989" not in entry.query
    assert "031185945989" not in caplog.text and "tải lên" in caplog.text
    page = api.client.get("/api/scans", headers=api.headers("canbo1")).json()
    assert "031185945989" not in str(page)
