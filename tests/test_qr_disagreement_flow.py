"""A card whose print says another person than its QR code: to review, both readings shown."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.records import JobOutcome
from schemas.settings import Settings
from sohoa.api.review_service import ReviewDesk
from sohoa.presenters import extraction_json
from sohoa.samples import CLEAN, build_document, degrade, render
from storage.index.results import find_by_id_number
from storage.index.tables import Result
from storage.index.users import Role, Staff
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

CONTEXT = DossierContext(dossier_code="000.00.20.H12-240315-0009", component="Căn cước")


@pytest.mark.ocr
def test_a_card_whose_qr_names_another_person_goes_to_review_with_both_readings(
    tmp_path: Path, settings: Settings
) -> None:
    doc = build_document(DocType.ID_CARD, random.Random(21), "cccd_2021")
    printed_id, printed_name = doc.fields["id_number"], doc.fields["full_name"]
    assert doc.qr is not None and printed_id == "079184727626"
    parts = doc.qr.split("|")
    parts[0], parts[2], parts[3] = "079184727610", "Phạm Hồng Hoa", "05071984"  # another person
    forged = doc.model_copy(update={"qr": "|".join(parts)})
    path = tmp_path / "the-card.png"
    degrade(render(forged), CLEAN, random.Random(21)).save(path, dpi=(300, 300))

    services = Services.open(settings)
    receipt = ingest_file(path, CONTEXT, services)
    assert process_scan(receipt.scan_id, services) is JobOutcome.NEEDS_REVIEW
    with services.index.session() as session:
        row = session.scalars(select(Result)).one()
        mismatches = {"id_number", "full_name", "date_of_birth"}
        assert {f"{name}:qr_mismatch" for name in mismatches} <= set(row.review_reasons)
        [record] = find_by_id_number(session, "079184727610")  # the code's value is kept
        shown = {check.field: check for check in record.cross_checks if not check.agrees}
        assert shown["id_number"].observed == printed_id
        assert shown["full_name"].observed == printed_name

    clerk = Staff(username="canbo1", role=Role.STAFF, unit_code=row.unit_code)
    [item] = ReviewDesk(services.index, "secret", today=lambda: date(2025, 6, 1)).queue(clerk)
    readings = {d.field: (d.code_value, d.printed_value) for d in item.card.disagreements}
    assert readings["id_number"] == ("079184727610", printed_id)
    assert readings["full_name"] == ("PHẠM HỒNG HOA", printed_name)
    assert readings["date_of_birth"] == ("1984-07-05", "1984-07-04")
    assert "sex" not in readings  # the two agree on it
    assert any("khác mã QR" in text for text in item.reason_texts)
    services.index.dispose()


@pytest.mark.ocr
def test_the_json_keeps_the_codes_own_spelling_of_the_name(tmp_path: Path) -> None:
    from pipeline.runner import run_document

    doc = build_document(DocType.ID_CARD, random.Random(21), "cccd_2021")
    path = tmp_path / "card.png"
    degrade(render(doc), CLEAN, random.Random(21)).save(path, dpi=(300, 300))
    output = run_document(path, tmp_path / "work", Settings.rooted_at(tmp_path / "data"))
    name = extraction_json(output.result)["fields"]["full_name"]
    assert (name["value"], name["as_in_code"]) == ("PHẠM HỒNG HUỆ", "Phạm Hồng Huệ")
