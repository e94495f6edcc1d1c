"""``GET /api/results/{id}/export``: the digitized-result record other systems keep, equal to
what is stored, with both readings of a forged card and the searchable PDF beside it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from schemas.dossiers import DossierContext
from schemas.records import JobOutcome
from sohoa.samples import CLEAN, build_document, degrade, render
from storage.index.audit import read_audit
from storage.index.tables import Result
from tests.api_fixtures import DOSSIER, ApiEnv, api_fixture  # noqa: F401
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

pytestmark = pytest.mark.ocr


def _forged_card(api: ApiEnv, tmp_path: Path) -> int:
    """A card whose QR code names another person than its print, processed for unit UNIT."""
    from schemas.fields import DocType

    doc = build_document(DocType.ID_CARD, random.Random(21), "cccd_2021")
    assert doc.qr is not None
    parts = doc.qr.split("|")
    parts[2] = "Phạm Hồng Hoa"
    path = tmp_path / "the.png"
    degrade(render(doc.model_copy(update={"qr": "|".join(parts)})), CLEAN, random.Random(21)).save(
        path, dpi=(300, 300)
    )
    api.settings.ocr.searchable_pdf = True
    services = Services.open(api.settings)
    receipt = ingest_file(
        path, DossierContext(dossier_code=DOSSIER, component="Căn cước"), services
    )
    assert process_scan(receipt.scan_id, services) is JobOutcome.NEEDS_REVIEW
    services.index.dispose()
    with api.index.session() as session:
        row = session.query(Result).one()
        return row.id


def test_the_export_is_the_stored_record_with_confidences_and_both_readings(
    api: ApiEnv, tmp_path: Path
) -> None:
    result_id = _forged_card(api, tmp_path)
    answer = api.client.get(f"/api/results/{result_id}/export", headers=api.headers("canbo1"))
    assert answer.status_code == 200, answer.text
    record = answer.json()
    with api.index.session() as session:
        row = session.get(Result, result_id)
        assert row is not None
        assert {f["name"]: f["value"] for f in record["fields"]} == row.fields
        assert (record["owner_id_number"], record["dossier_code"]) == (
            row.owner_id_number,
            DOSSIER,
        )
    by_name = {f["name"]: f for f in record["fields"]}
    assert by_name["full_name"] == {
        "name": "full_name",
        "label": "Họ và tên",
        "value": "PHẠM HỒNG HOA",
        "confidence": 1.0,
        "source": "qr",
    }
    assert (
        0 < by_name["expiry_date"]["confidence"] <= 1 and by_name["expiry_date"]["source"] != "qr"
    )
    [disagreement] = record["disagreements"]
    assert (disagreement["code_value"], disagreement["printed_value"]) == (
        "PHẠM HỒNG HOA",
        "PHẠM HỒNG HUỆ",
    )
    assert record["needs_review"] and "full_name:qr_mismatch" in record["review_reasons"]

    pdf = api.client.get(record["searchable_pdf_url"], headers=api.headers("canbo1"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with api.index.session() as session:
        actions = [entry.action for entry in read_audit(session)]
    assert "export" in actions and "view_searchable_pdf" in actions

    other = api.client.get(f"/api/results/{result_id}/export", headers=api.headers("canbo2"))
    assert other.status_code == 404  # another unit's result: as if it did not exist


def test_a_reviewers_value_is_exported_as_the_reviewers(api: ApiEnv, tmp_path: Path) -> None:
    result_id = _forged_card(api, tmp_path)
    corrected = api.client.post(
        f"/api/review/{result_id}",
        json={"version": 1, "fields": {"full_name": "Phạm Hồng Huệ"}},
        headers=api.headers("canbo1"),
    ).json()
    new_id = corrected["card"]["id"]
    record = api.client.get(f"/api/results/{new_id}/export", headers=api.headers("canbo1")).json()
    by_name = {f["name"]: f for f in record["fields"]}
    assert by_name["full_name"]["value"] == "PHẠM HỒNG HUỆ"
    assert (by_name["full_name"]["source"], by_name["full_name"]["confidence"]) == ("reviewer", 1.0)
    assert by_name["sex"]["source"] == "qr"  # untouched fields keep the machine's reading
    assert record["corrected_by"] == "canbo1" and not record["needs_review"]
