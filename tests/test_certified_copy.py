"""Certified copies: the copy's kind, body and date beside the original document's fields."""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract
from pipeline.extract.certified_copy import copy_fields
from pipeline.extract.text import lines_of
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc
from tests.test_decree30 import LETTER

REVIEW = ReviewSettings()


def _copy(text: str) -> dict[str, str]:
    return {name: f.value for name, f in copy_fields(lines_of(make_doc(text))).items()}


def test_an_electronic_copy_stamp() -> None:
    text = """SAOY
Ủy ban nhân dân thành phô Đà Năng
Thời gian ký: 19/10/2023 10:56:22 +07:00
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"""
    assert _copy(text) == {
        "copy_kind": "Sao y",
        "copy_body": "Ủy ban nhân dân thành phố Đà Nẵng",  # marks from the gazetteer
        "copy_date": "2023-10-19",
    }


def test_a_copy_block_under_the_document() -> None:
    text = """ỦY BAN NHÂN DÂN
XÃ TÂN LẬP
Số: 12/SY-UBND
SAO Y BẢN CHÍNH
Tân Lập, ngày 03 tháng 8 năm 2024"""
    assert _copy(text) == {
        "copy_kind": "Sao y",
        "copy_body": "ỦY BAN NHÂN DÂN XÃ TÂN LẬP",
        "copy_date": "2024-08-03",
    }


def test_a_commune_certification() -> None:
    text = """Chứng thực bản sao đúng với bản chính.
Số chứng thực: 125 Quyển số: 01/2024-SCT/BS
Ngày 05 tháng 3 năm 2024
UBND xã Tân Lập"""
    assert _copy(text) == {
        "copy_kind": "Chứng thực bản sao",
        "copy_body": "UBND xã Tân Lập",
        "copy_date": "2024-03-05",
    }


def test_an_original_has_no_copy_fields() -> None:
    assert _copy(LETTER) == {}


def test_a_copied_letter_keeps_its_own_signer() -> None:
    copied = (
        LETTER
        + "\nỦY BAN NHÂN DÂN\nXÃ TÂN LẬP\nSố: 12/SY-UBND\nSAO Y\nTân Lập, ngày 3 tháng 8 năm 2024\n"
    )
    ex = extract(make_doc(copied), REVIEW, today=date(2026, 1, 1))
    assert ex.value("signer_name") == "Trần Nguyễn Minh Thành"
    assert ex.value("signer_title") == "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"
    assert ex.value("copy_body") == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    assert ex.value("copy_date") == "2024-08-03"
