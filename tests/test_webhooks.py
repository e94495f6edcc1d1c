"""Webhooks out (issue #21): every event reaches a real HTTP receiver signed, a receiver that is
down gets it later (once), a wrong secret is refused, retries end in ``failed`` and the admins'
delivery log shows it all without the secret; on PostgreSQL two senders never send twice.

The receiver is ``http.server`` on loopback checking each call with ``verify_signature``, as a
receiving system would.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from schemas.dossiers import DossierContext
from schemas.records import JobOutcome
from schemas.settings import Settings
from schemas.webhooks import WebhookEvent, event_body, sign, verify_signature
from sohoa.cli import app as cli_app
from storage.index.db import Index
from storage.index.webhooks import (
    MAX_ATTEMPTS,
    WebhookDelivery,
    add_subscription,
    due_deliveries,
    emit,
    retry_delay,
    utc_now,
)
from tests.api_fixtures import (  # noqa: F401
    BIRTH,
    CITIZEN_ID,
    DOSSIER,
    OTHER_UNIT,
    UNIT,
    ApiEnv,
    api_fixture,
)
from tests.intake_helpers import cleanup_redis, rq_settings
from tests.reocr_fakes import CARD, fast_settings, good_engine, tiny_scan, weak_engine
from workers.intake import ingest_file
from workers.queues import InlineQueue, RqQueue
from workers.services import Services
from workers.webhook_delivery import WebhookSender, deliver_due
from workers.worker import _new_worker

SECRET = "bi-mat-cua-he-thong-mot-cua-0123456789"
DOSSIER_DATA = {"dossier_code": DOSSIER, "unit_code": UNIT}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults without image clean-up: the fake OCR engines ignore pixels."""
    return fast_settings(tmp_path / "data")


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class Receiver:
    """A receiving system: checks the signature with its copy of the secret (401 if wrong),
    then answers ``status``; ``accepted`` holds the calls answered 2xx."""

    def __init__(self, secret: str = SECRET, port: int = 0) -> None:
        self.secret = secret
        self.status = 200
        self.delay = 0.0
        self.accepted: list[Call] = []
        self.answered: list[int] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[str]:
        return [call.headers["x-sohoa-event"] for call in self.accepted]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                time.sleep(receiver.delay)
                status = receiver.status
                if not verify_signature(receiver.secret, headers, body):
                    status = 401
                with receiver._lock:
                    receiver.answered.append(status)
                    if 200 <= status < 300:
                        receiver.accepted.append(Call(headers, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def _subscribe(index: Index, url: str, secret: str = SECRET, **options: Any) -> int:
    with index.session() as session:
        info, _ = add_subscription(session, url, created_by="test", secret=secret, **options)
    return info.id


def _emit_received(index: Index, unit: str = UNIT) -> int:
    with index.session() as session:
        return emit(session, WebhookEvent.DOSSIER_RECEIVED, unit, DOSSIER_DATA)


def _deliveries(index: Index) -> list[WebhookDelivery]:
    with index.session() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _process_scan(api: ApiEnv, tmp_path: Path, number: int, *, unsure: bool) -> JobOutcome:
    """A scan dropped for a dossier and processed in-process, as in embedded mode."""
    services = Services(settings=api.settings, store=api.store, index=api.index)
    services.engine = weak_engine() if unsure else good_engine()
    context = DossierContext(dossier_code=f"{UNIT}-240315-{number:04d}", component="Căn cước")
    receipt = ingest_file(tiny_scan(tmp_path / "scans", number), context, services)
    outcome = InlineQueue(services).enqueue_scan(receipt.scan_id)
    assert outcome is not None
    return outcome


# --- (a) every event, through the code that causes it ------------------------------------------


def test_each_event_reaches_the_receiver_signed_without_personal_data(
    api: ApiEnv, receiver: Receiver, tmp_path: Path
) -> None:
    created = api.client.post(
        "/api/webhooks",
        json={"url": receiver.url, "secret": SECRET},
        headers=api.headers("quantri"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["secret"] is None  # given by the admin: not echoed

    # Embedded mode: the in-process job sends what it stored right away, no sender needed.
    (tmp_path / "scans").mkdir()
    assert _process_scan(api, tmp_path, 1, unsure=True) is JobOutcome.NEEDS_REVIEW
    assert receiver.events() == ["dossier.received", "result.digitized", "result.needs_review"]

    received = api.client.post(
        "/api/dossiers", json={"dossier_code": DOSSIER}, headers=api.headers("canbo1")
    )
    assert received.status_code in (200, 201), received.text
    reusable = api.seed(BIRTH)
    attached = api.client.post(
        "/api/attachments",
        json={"result_id": reusable, "dossier_code": DOSSIER, "component": "Giấy khai sinh"},
        headers=api.headers("canbo1"),
    )
    assert attached.status_code == 201, attached.text
    unsure = api.seed({**BIRTH, "sex": "Nm"}, needs_review=True, tag="unsure")
    reviewed = api.client.post(
        f"/api/review/{unsure}",
        json={"version": 1, "fields": {"sex": "Nam"}},
        headers=api.headers("canbo1"),
    )
    assert reviewed.status_code == 200, reviewed.text

    report = deliver_due(api.index)  # the API process's sender (a thread under sohoa serve)

    assert len(report.delivered) == 3 and not report.retrying and not report.failed
    # The scan's own dossier was received too (first seen at intake).
    assert Counter(receiver.events()) == {event.value: 1 for event in WebhookEvent} | {
        "dossier.received": 2
    }
    for call in receiver.accepted:
        document = call.document
        assert document["id"] == call.headers["x-sohoa-delivery"]
        assert document["event"] == call.headers["x-sohoa-event"]
        assert call.headers["content-type"] == "application/json"
        assert document["created_at"].endswith("+00:00")
        text = call.body.decode()
        for personal in (CITIZEN_ID, "001095012345", BIRTH["full_name"], "NGUYỄN", "TRẦN"):
            assert personal not in text, (document["event"], personal)
    by_event = {call.headers["x-sohoa-event"]: call.document["data"] for call in receiver.accepted}
    assert by_event["dossier.received"]["dossier_code"] == DOSSIER  # the last one received
    digitized = by_event["result.digitized"]
    assert digitized["needs_review"] is True and digitized["unit_code"] == UNIT
    assert digitized["export_path"] == f"/api/results/{digitized['result_id']}/export"
    assert by_event["result.reused"]["result_id"] == reusable
    assert by_event["result.reused"]["dossier_code"] == DOSSIER
    assert by_event["result.reviewed"]["previous_result_id"] == unsure
    assert by_event["result.reviewed"]["corrected"] == ["sex"]
    assert deliver_due(api.index).attempted == 0  # nothing sent twice


def test_a_confident_scan_sends_digitized_only(
    api: ApiEnv, receiver: Receiver, tmp_path: Path
) -> None:
    _subscribe(api.index, receiver.url, events=["result.digitized", "result.needs_review"])
    (tmp_path / "scans").mkdir()
    assert _process_scan(api, tmp_path, 2, unsure=False) is JobOutcome.DONE
    assert receiver.events() == ["result.digitized"]
    assert receiver.accepted[0].document["data"]["needs_review"] is False
    assert CARD.splitlines()[6] not in receiver.accepted[0].body.decode()  # the card's name


# --- (b) a receiver down at first ---------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_receiver_down_gets_the_event_after_the_backoff_exactly_once(api: ApiEnv) -> None:
    port = _closed_port()
    _subscribe(api.index, f"http://127.0.0.1:{port}/hook")
    assert _emit_received(api.index) == 1
    start = utc_now()

    first = deliver_due(api.index, now=start)

    assert first.retrying and not first.delivered
    [row] = _deliveries(api.index)
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
    assert row.last_error.startswith("ConnectError")
    assert row.next_attempt_at == start + timedelta(seconds=30)
    receiver = Receiver(port=port)  # the receiving system is back
    try:
        assert deliver_due(api.index, now=start + timedelta(seconds=20)).attempted == 0
        again = deliver_due(api.index, now=start + timedelta(seconds=31))
        assert again.delivered == [row.id]
        assert deliver_due(api.index, now=start + timedelta(hours=2)).attempted == 0
        assert len(receiver.accepted) == 1 and receiver.answered == [200]
        [row] = _deliveries(api.index)
        assert (row.state, row.attempts, row.last_status) == ("delivered", 2, 200)
        assert row.next_attempt_at is None and row.delivered_at is not None
    finally:
        receiver.close()


# --- (c) signatures ----------------------------------------------------------------------------


def test_a_wrong_secret_is_refused_by_the_receiver(api: ApiEnv, receiver: Receiver) -> None:
    _subscribe(api.index, receiver.url, secret="khong-phai-bi-mat-that-0123456789")
    _emit_received(api.index)
    report = deliver_due(api.index)
    assert report.retrying and receiver.accepted == [] and receiver.answered == [401]
    [row] = _deliveries(api.index)
    assert (row.state, row.last_status) == ("pending", 401)


def test_verify_signature_checks_secret_body_and_age() -> None:
    body = event_body("e1", "dossier.received", utc_now(), DOSSIER_DATA)
    now = time.time()
    stamp = str(int(now))
    headers = {"X-Sohoa-Timestamp": stamp, "X-Sohoa-Signature": sign(SECRET, stamp, body)}
    assert verify_signature(SECRET, headers, body, now=now)
    assert verify_signature(SECRET, {k.upper(): v for k, v in headers.items()}, body, now=now)
    assert not verify_signature("another-secret-0123456789", headers, body, now=now)
    assert not verify_signature(SECRET, headers, body + b" ", now=now)
    assert not verify_signature(SECRET, headers, body, now=now + 301)  # a replay, later
    assert not verify_signature(SECRET, headers, body, now=now - 301)
    assert not verify_signature(SECRET, {"X-Sohoa-Timestamp": stamp}, body, now=now)
    moved = {**headers, "X-Sohoa-Timestamp": str(int(now) + 1)}  # the signed time is bound
    assert not verify_signature(SECRET, moved, body, now=now)


# --- (d) giving up --------------------------------------------------------------------------


def test_retries_back_off_and_end_failed_in_the_log(api: ApiEnv, receiver: Receiver) -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 15)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]
    receiver.status = 503
    _subscribe(api.index, receiver.url)
    _emit_received(api.index)
    moment = utc_now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(api.index, now=moment)
        moment += timedelta(hours=1, seconds=1)
    assert deliver_due(api.index, now=moment + timedelta(days=1)).attempted == 0
    assert receiver.answered == [503] * MAX_ATTEMPTS
    [row] = _deliveries(api.index)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)

    log = api.client.get(
        "/api/webhooks/deliveries", params={"state": "failed"}, headers=api.headers("quantri")
    )
    assert log.status_code == 200, log.text
    [line] = log.json()
    assert line["event"] == "dossier.received" and line["attempts"] == MAX_ATTEMPTS
    assert line["last_status"] == 503 and line["last_error"] == "HTTP 503 Service Unavailable"
    pending = api.client.get(
        "/api/webhooks/deliveries", params={"state": "pending"}, headers=api.headers("quantri")
    )
    assert pending.json() == []


# --- (e) the admin API ------------------------------------------------------------------------


def test_admin_api_never_shows_the_secret_and_is_admin_only(
    api: ApiEnv, receiver: Receiver
) -> None:
    admin = api.headers("quantri")
    created = api.client.post(
        "/api/webhooks",
        json={"url": receiver.url, "events": ["dossier.received"], "unit_code": UNIT},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert len(secret) == 64 and created.json()["warning"]
    hook = created.json()["webhook"]
    assert (hook["events"], hook["unit_code"], hook["active"]) == (
        ["dossier.received"],
        UNIT,
        True,
    )
    receiver.secret = secret
    _emit_received(api.index)
    deliver_due(api.index)
    assert receiver.events() == ["dossier.received"]

    listed = api.client.get("/api/webhooks", headers=admin)
    log = api.client.get("/api/webhooks/deliveries", headers=admin)
    assert listed.status_code == log.status_code == 200
    for answer in (listed, log):
        assert secret not in answer.text and "secret" not in answer.text
    [line] = log.json()
    assert line["state"] == "delivered" and line["last_status"] == 200
    assert "payload" not in line

    for user in ("canbo1", "lanhdao"):
        headers = api.headers(user)
        assert api.client.get("/api/webhooks", headers=headers).status_code == 403
        assert api.client.get("/api/webhooks/deliveries", headers=headers).status_code == 403
        refused = api.client.post("/api/webhooks", json={"url": receiver.url}, headers=headers)
        assert refused.status_code == 403
        stop = api.client.post(f"/api/webhooks/{hook['id']}/deactivate", headers=headers)
        assert stop.status_code == 403
    assert api.client.get("/api/webhooks").status_code == 401

    bad_url = api.client.post("/api/webhooks", json={"url": "ftp://x/y"}, headers=admin)
    bad_event = api.client.post(
        "/api/webhooks", json={"url": receiver.url, "events": ["scan.lost"]}, headers=admin
    )
    assert bad_url.status_code == bad_event.status_code == 422

    receiver.status = 503
    _emit_received(api.index)
    deliver_due(api.index)
    stopped = api.client.post(f"/api/webhooks/{hook['id']}/deactivate", headers=admin)
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    states = [row.state for row in _deliveries(api.index)]
    assert states == ["delivered", "failed"]  # pending ones are not left hanging
    assert _emit_received(api.index) == 0  # nobody listens any more
    assert api.client.post("/api/webhooks/999/deactivate", headers=admin).status_code == 404


# --- the outbox itself ------------------------------------------------------------------------


def test_subscriptions_filter_by_event_and_unit_and_events_roll_back_with_their_cause(
    api: ApiEnv,
) -> None:
    _subscribe(api.index, "http://127.0.0.1:9/a", events=["dossier.received"], unit_code=UNIT)
    _subscribe(api.index, "http://127.0.0.1:9/b", events=["result.reused"])
    _subscribe(api.index, "http://127.0.0.1:9/c")
    assert _emit_received(api.index) == 2  # a (its unit) and c (everything)
    assert _emit_received(api.index, unit=OTHER_UNIT) == 1  # c only
    rows = _deliveries(api.index)
    assert len({row.event_id for row in rows}) == 2  # one event ID, shared by its deliveries
    with pytest.raises(RuntimeError), api.index.session() as session:
        emit(session, WebhookEvent.DOSSIER_RECEIVED, UNIT, DOSSIER_DATA)
        raise RuntimeError("the change that caused the event failed")
    assert len(_deliveries(api.index)) == 3


def test_the_serve_thread_sends_due_deliveries(api: ApiEnv, receiver: Receiver) -> None:
    _subscribe(api.index, receiver.url)
    sender = WebhookSender(api.index, interval_s=0.05)
    sender.start()
    try:
        _emit_received(api.index)
        deadline = time.monotonic() + 10
        while not receiver.accepted and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        sender.stop()
    assert not sender.is_alive()
    assert receiver.events() == ["dossier.received"]


def test_cli_adds_lists_sends_and_logs(
    settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOHOA_INDEX__URL", settings.index.url)
    runner = CliRunner()
    added = runner.invoke(
        cli_app, ["webhook", "add", receiver.url, "--event", "dossier.received", "--unit", UNIT]
    )
    assert added.exit_code == 0, added.output
    secret = added.output.rsplit(":", 1)[1].strip()
    assert len(secret) == 64
    receiver.secret = secret
    listed = runner.invoke(cli_app, ["webhook", "list"])
    assert listed.exit_code == 0 and secret not in listed.output
    index = Index(settings.index.url)
    try:
        _emit_received(index)
    finally:
        index.dispose()
    sent = runner.invoke(cli_app, ["webhook", "send"])
    assert sent.exit_code == 0 and "Đã gửi 1" in sent.output, sent.output
    log = runner.invoke(cli_app, ["webhook", "deliveries", "--state", "delivered"])
    assert log.exit_code == 0 and "dossier.received" in log.output and secret not in log.output
    assert receiver.events() == ["dossier.received"]
    refused = runner.invoke(cli_app, ["webhook", "add", "not a url"])
    assert refused.exit_code != 0


@pytest.mark.redis
def test_a_workers_periodic_maintenance_sends_due_deliveries(
    settings: Settings, receiver: Receiver
) -> None:
    settings.queue = rq_settings()
    services = Services.open(settings)
    try:
        _subscribe(services.index, receiver.url)
        _emit_received(services.index)
        rq = RqQueue(settings.queue)
        worker = _new_worker(services, rq, rq.names)
        worker.run_maintenance_tasks()
        assert receiver.events() == ["dossier.received"]
    finally:
        cleanup_redis(settings.queue)
        services.index.dispose()


# --- PostgreSQL: row locks, two senders ---------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'index.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    index = Index(url)
    index.create_schema()
    yield index
    index.dispose()


def test_two_concurrent_senders_send_each_delivery_once(
    any_index: Index, receiver: Receiver
) -> None:
    receiver.delay = 0.02  # a send takes a while: both senders are busy at the same time
    _subscribe(any_index, receiver.url)
    for _ in range(12):
        _emit_received(any_index)
    reports = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        reports.append(deliver_due(any_index))

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(60)

    ids = Counter(call.headers["x-sohoa-delivery"] for call in receiver.accepted)
    assert len(ids) == 12 and set(ids.values()) == {1}
    assert sorted(d for report in reports for d in report.delivered) == list(range(1, 13))
    assert all(report.delivered for report in reports)  # both really sent, side by side
    assert {row.state for row in _deliveries(any_index)} == {"delivered"}


@pytest.mark.postgres
def test_postgres_skips_deliveries_locked_by_another_sender(postgres_url: str) -> None:
    index = Index(postgres_url)
    index.create_schema()
    try:
        _subscribe(index, "http://127.0.0.1:9/hook")
        for _ in range(3):
            _emit_received(index)
        now = utc_now()
        with index.session() as first, index.session() as second:
            taken = due_deliveries(first, now, 10)
            started = time.monotonic()
            assert due_deliveries(second, now, 10) == []  # skipped, not waited for
            assert time.monotonic() - started < 2
            assert len(taken) == 3
        with index.session() as session:
            assert len(due_deliveries(session, now, 10)) == 3  # released with the transaction
    finally:
        index.dispose()
