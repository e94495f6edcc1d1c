"""Reception end to end: the procedure's components are matched with the applicant's earlier
results, staff accept or decline each offer, and the indicators count every received dossier
(scanned, reused or never scanned) — on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pipeline.runner import PipelineOutput
from schemas.documents import MediaType, SourceFile
from schemas.dossiers import DigitizationKind, DossierContext
from schemas.fields import Extraction
from schemas.ocr import OcrDocument
from schemas.records import DocumentResult, ScanState
from schemas.settings import Settings
from sohoa.api.app import create_app
from storage.index.audit import read_audit
from storage.index.db import Index
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.proposals import ReuseProposal
from storage.index.scans import register_scan
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import BIRTH, CITIZEN_ID, TODAY, UNIT, ApiEnv, add_users
from workers.jobs import _commit
from workers.produce import Produced
from workers.services import Services

MARRIAGE = "1.000894"
CARD = {
    "full_name": "NGUYỄN VĂN ĐỨC",
    "date_of_birth": "2024-03-12",
    "id_number": CITIZEN_ID,
    "expiry_date": "2049-03-12",
}
D1, D2, D3, D4 = (f"{UNIT}-2403{day:02d}-000{n}" for n, day in ((1, 11), (2, 12), (3, 13), (4, 14)))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, settings: Settings) -> Iterator[ApiEnv]:
    if request.param == "postgres":
        settings.index.url = request.getfixturevalue("postgres_url")
    settings.api.secret_key = "test-secret-key"
    index = Index(settings.index.url)
    index.create_schema()
    store = LocalObjectStore(settings.storage.local_root)
    add_users(index)
    app = create_app(settings, index=index, store=store, today=lambda: TODAY)
    with TestClient(app) as client:
        yield ApiEnv(client=client, index=index, store=store, settings=settings)
    index.dispose()


def _receive(api: ApiEnv, code: str, channel: int, **extra: Any) -> dict[str, Any]:
    body = {"dossier_code": code, "procedure_code": MARRIAGE, "channel": channel, **extra}
    answer = api.client.post("/api/dossiers", json=body, headers=api.headers("canbo1"))
    assert answer.status_code == 200, answer.text
    return cast(dict[str, Any], answer.json())


def _report(api: ApiEnv) -> dict[str, Any]:
    answer = api.client.get(
        "/api/reports",
        params={"from": "2024-03-01", "to": "2024-03-31", "format": "json"},
        headers=api.headers("lanhdao"),
    )
    assert answer.status_code == 200, answer.text
    return cast(dict[str, Any], answer.json())


def _overall(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {
        f["indicator"]: (f["rate"]["numerator"], f["rate"]["denominator"])
        for f in report["overall"]["figures"]
    }


def _scan_component(api: ApiEnv, code: str, name: str, kind: DigitizationKind) -> None:
    """A scan of the dossier's paper, committed by the job's own code (OCR output faked)."""
    sha = (code[-1] + name[0] + kind.value[0]).encode().hex().ljust(64, "0")[:64]
    context = DossierContext(dossier_code=code, component=name, kind=kind)
    with api.index.session() as session:
        scan, _ = register_scan(
            session, sha256=sha, filename="a.pdf", size_bytes=1, original_key=f"o/{sha}"
        )
        dossier = ensure_dossier(session, context)
        ensure_component(session, dossier, context).scan_id = scan.id
        scan.state = ScanState.PROCESSING.value
        scan_id = scan.id
    source = SourceFile(
        sha256=sha, filename="a.pdf", size_bytes=1, media_type=MediaType.PDF, page_count=1
    )
    output = PipelineOutput(
        result=DocumentResult(source=source, ocr=OcrDocument(), extraction=Extraction()),
        page_images={},
    )
    services = cast(Services, SimpleNamespace(index=api.index))
    _commit(scan_id, Produced(output, f"derived/{sha}/v1", 1), services)


def test_reception_offers_each_component_and_the_indicators_count_every_dossier(
    api: ApiEnv,
) -> None:
    card = api.seed(CARD, doc_type="id_card", tag="card")
    birth = api.seed(BIRTH)
    unsure = api.seed({**BIRTH, "registration_number": "9/2024"}, needs_review=True, tag="u")

    offer = _receive(api, D1, 1, applicant_id_number=CITIZEN_ID)
    assert offer["created"] and offer["procedure"]["name"] == "Đăng ký kết hôn"
    by_name = {c["name"]: c for c in offer["components"]}
    card_offer = by_name["Giấy tờ tùy thân của hai bên nam, nữ (CCCD, hộ chiếu)"]
    birth_offer = next(c for n, c in by_name.items() if n.startswith("Giấy khai sinh"))
    assert [p["card"]["id"] for p in card_offer["proposals"]] == [card]
    assert [p["card"]["id"] for p in birth_offer["proposals"]] == [birth]  # not the unsure one
    assert unsure not in {card["id"] for card in offer["proposals"]}
    assert card_offer["proposals"][0]["owner_is_applicant"] is True
    assert "Tờ khai đăng ký kết hôn" in offer["to_scan"]
    assert any(n.startswith("Giấy xác nhận tình trạng hôn nhân") for n in offer["to_scan"])
    assert "Có 2 kết quả" in offer["message"]

    before = _overall(_report(api))
    for component in (card_offer, birth_offer):
        proposal = component["proposals"][0]["proposal_id"]
        accepted = api.client.post(
            f"/api/dossiers/{D1}/proposals/{proposal}/accept", headers=api.headers("canbo1")
        )
        assert accepted.status_code == 200, accepted.text
    dossier = accepted.json()["dossier"]
    assert dossier["reused_count"] == 2
    after = _overall(_report(api))
    assert before["reuse"] == (0, 1) and after["reuse"] == (1, 1)

    # Received again: the same offers (now accepted), not counted twice.
    again = _receive(api, D1, 1, applicant_id_number=CITIZEN_ID)
    assert not again["created"]
    states = {p["state"] for c in again["components"] for p in c["proposals"]}
    assert states == {"accepted"}

    # Three more dossiers: scanned online, never scanned (postal), one component scanned.
    _receive(api, D2, 2)
    _scan_component(api, D2, "Tờ khai đăng ký kết hôn", DigitizationKind.COMPONENT)
    _scan_component(api, D2, "Giấy chứng nhận kết hôn", DigitizationKind.RESULT)
    _receive(api, D3, 3)
    _receive(api, D4, 1)
    _scan_component(api, D4, "Tờ khai đăng ký kết hôn", DigitizationKind.COMPONENT)

    report = _report(api)
    figures = _overall(report)
    # By hand: 4 received; only D2 has its components and its result digitized; only D1 reused;
    # components D1 2/2 (reused), D2 1/1, D3 none, D4 1/1.
    assert figures["dossier_digitization"] == (1, 4)
    assert figures["reuse"] == (1, 4)
    assert figures["component_digitization"] == (4, 4)
    assert figures["component_reuse"] == (2, 4)
    channels = {c["label"]: c["dossiers"] for c in report["channels"]}
    assert channels == {"Trực tiếp": 2, "Trực tuyến": 1, "Bưu chính": 1}


def test_a_declined_offer_is_recorded_and_audited_and_cannot_then_be_accepted_twice(
    api: ApiEnv,
) -> None:
    card = api.seed(CARD, doc_type="id_card", tag="card")
    offer = _receive(api, D1, 1, applicant_id_number=CITIZEN_ID)
    [proposal] = [p for c in offer["components"] for p in c["proposals"]]
    assert proposal["card"]["id"] == card
    declined = api.client.post(
        f"/api/dossiers/{D1}/proposals/{proposal['proposal_id']}/decline",
        headers=api.headers("canbo1"),
    )
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    with api.index.session() as session:
        row = session.scalars(select(ReuseProposal)).one()
        assert (row.state, row.decided_by) == ("declined", "canbo1")
        [entry] = read_audit(session, action="proposal_declined")
    assert CITIZEN_ID not in entry.query and entry.dossier_code == D1
    # Another unit's staff cannot decide this dossier's offers.
    other = api.client.post(
        f"/api/dossiers/{D1}/proposals/{proposal['proposal_id']}/accept",
        headers=api.headers("canbo2"),
    )
    assert other.status_code == 403
    unknown = api.client.post(
        f"/api/dossiers/{D1}/proposals/999/accept", headers=api.headers("canbo1")
    )
    assert unknown.status_code == 404


def test_a_result_awaiting_review_is_neither_offered_nor_attachable(api: ApiEnv) -> None:
    unsure = api.seed(CARD, doc_type="id_card", needs_review=True, tag="u")
    offer = _receive(api, D1, 1, applicant_id_number=CITIZEN_ID)
    assert offer["proposals"] == [] and "chưa có kết quả" in offer["message"]
    refused = api.client.post(
        "/api/attachments",
        json={"result_id": unsure, "dossier_code": D1, "component": "Căn cước"},
        headers=api.headers("canbo1"),
    )
    assert refused.status_code == 409
    assert "rà soát" in refused.json()["message"] or "kiểm tra" in refused.json()["message"]


def test_an_applicant_without_id_number_is_found_by_name_and_birth_date(api: ApiEnv) -> None:
    birth = api.seed(BIRTH)
    offer = _receive(
        api, D1, 1, applicant_name="nguyễn văn đức", applicant_date_of_birth="2024-03-12"
    )
    assert [c["id"] for c in offer["proposals"]] == [birth]


def test_an_unknown_procedure_is_received_with_unmatched_offers(api: ApiEnv) -> None:
    birth = api.seed(BIRTH)
    body = {"dossier_code": D1, "procedure_code": "9.999999", "applicant_id_number": CITIZEN_ID}
    offer = api.client.post("/api/dossiers", json=body, headers=api.headers("canbo1")).json()
    assert offer["procedure"] is None and offer["components"] == []
    assert [c["id"] for c in offer["proposals"]] == [birth]
    assert "chưa có trong danh mục" in offer["message"]


def test_a_dossier_list_import_counts_in_the_denominators_once(api: ApiEnv, tmp_path: Path) -> None:
    _receive(api, D1, 1)
    listing = (
        "ma_ho_so,ma_tthc,kenh\n"
        f"{D1},{MARRIAGE},1\n"
        f"{D2},{MARRIAGE},Trực tuyến\n"
        f"{D3},1.001193,bưu chính\n"
        f"000.00.20.H13-240313-0001,{MARRIAGE},1\n"
        "sai-ma,1.000894,1\n"
        f"{D4},{MARRIAGE},9\n"
    ).encode()
    staff = api.client.post(
        "/api/dossiers/import",
        params={"filename": "ds.csv"},
        content=listing,
        headers=api.headers("canbo1"),
    )
    assert staff.status_code == 403
    answer = api.client.post(
        "/api/dossiers/import",
        params={"filename": "ds.csv"},
        content=listing,
        headers=api.headers("lanhdao"),
    )
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["created"], outcome["already_known"]) == (2, 1)
    assert [line.split(":")[0] for line in outcome["skipped"]] == ["dòng 5", "dòng 6", "dòng 7"]
    assert "đơn vị khác" in outcome["skipped"][0] and "kênh" in outcome["skipped"][2]
    report = _report(api)
    assert _overall(report)["dossier_digitization"] == (0, 3)
    channels = {c["label"]: c["dossiers"] for c in report["channels"]}
    assert channels == {"Trực tiếp": 1, "Trực tuyến": 1, "Bưu chính": 1}


def test_the_one_stop_systems_reception_time_is_kept_on_the_codes_day(api: ApiEnv) -> None:
    from storage.index.events import DossierEvent
    from storage.index.tables import Dossier

    wrong_day = _post_reception(api, {"received_at": "2024-03-12T09:30:00"})
    assert wrong_day.status_code == 422 and "khác ngày trong mã hồ sơ" in wrong_day.text
    assert _post_reception(api, {"received_at": "2024-03-11T09:30:00"}).status_code == 200
    with api.index.session() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.code == D1)).one()
        [event] = session.scalars(
            select(DossierEvent).where(
                DossierEvent.dossier_id == dossier.id, DossierEvent.kind == "received"
            )
        )
        assert event.at.isoformat() == "2024-03-11T09:30:00"


def _post_reception(api: ApiEnv, extra: dict[str, Any]) -> Any:
    body = {"dossier_code": D1, "procedure_code": MARRIAGE, "channel": 1, **extra}
    return api.client.post("/api/dossiers", json=body, headers=api.headers("canbo1"))
