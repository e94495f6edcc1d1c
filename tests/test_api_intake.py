"""The unit's files as staff follow them: states in Vietnamese, quarantine reasons, retries."""

from __future__ import annotations

from sqlalchemy import select

from schemas.records import ScanState
from storage.index.audit import read_audit
from storage.index.scans import register_scan
from storage.index.tables import Scan
from tests.api_fixtures import OTHER_UNIT, UNIT, ApiEnv, api_fixture  # noqa: F401

REASON = "Tệp hỏng hoặc không đọc được.\nThe file is corrupt.\nMã lỗi / code: corrupt_file"


def _scan(api: ApiEnv, name: str, state: ScanState, unit: str = UNIT, reason: str = "") -> int:
    with api.index.session() as session:
        scan, _ = register_scan(
            session,
            sha256=name.encode().hex().ljust(64, "0")[:64],
            filename=name,
            size_bytes=1,
            original_key=f"originals/{name}",
            unit_code=unit,
        )
        scan.state, scan.error_message = state.value, reason  # as a job would have left it
        return scan.id


def test_staff_see_their_units_files_with_states_and_reasons(api: ApiEnv) -> None:
    _scan(api, "the-1.png", ScanState.DONE)
    broken = _scan(api, "CCCD_031185945989.pdf", ScanState.QUARANTINED, reason=REASON)
    _scan(api, "khac-don-vi.png", ScanState.QUEUED, unit=OTHER_UNIT)
    page = api.client.get("/api/scans", headers=api.headers("canbo1")).json()
    assert page["total"] == 2
    names = {scan["id"]: scan for scan in page["scans"]}
    assert names[broken]["state_label"] == "Bị cách ly"
    assert "Tệp hỏng" in names[broken]["reason"] and names[broken]["can_retry"] is False
    assert "031185945989" not in str(page)  # a file named after a card shows no full number
    only = api.client.get(
        "/api/scans", params={"state": "quarantined"}, headers=api.headers("canbo1")
    ).json()
    assert [scan["id"] for scan in only["scans"]] == [broken]


def test_a_failed_file_is_run_again_and_a_quarantined_one_is_not(api: ApiEnv) -> None:
    failed = _scan(api, "loi.pdf", ScanState.FAILED, reason="processing_failed")
    quarantined = _scan(api, "hong.pdf", ScanState.QUARANTINED, reason=REASON)
    theirs = _scan(api, "khac.pdf", ScanState.FAILED, unit=OTHER_UNIT)
    again = api.client.post(f"/api/scans/{failed}/retry", headers=api.headers("canbo1"))
    assert again.status_code == 200 and again.json()["state"] == "queued"
    refused = api.client.post(f"/api/scans/{quarantined}/retry", headers=api.headers("canbo1"))
    assert refused.status_code == 409 and "quét lại" in refused.json()["message"]
    other = api.client.post(f"/api/scans/{theirs}/retry", headers=api.headers("canbo1"))
    assert other.status_code == 403
    with api.index.session() as session:
        assert session.scalars(select(Scan.state).where(Scan.id == failed)).one() == "queued"
        [entry] = read_audit(session, action="retry_scan")
    assert entry.username == "canbo1" and entry.query == f"scan={failed}"
