"""QR payloads read as typed values: chip card, one-stop system, separator sheet."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.codes_payloads import (
    CccdQr,
    OneStopQr,
    SeparatorQr,
    context_from_codes,
    parse_cccd,
    parse_one_stop,
    parse_payload,
    parse_separator,
)
from schemas.dossiers import DigitizationKind
from schemas.ocr import DecodedCode

TODAY = date(2025, 6, 30)
CODE = "000.00.20.H12-240315-0007"
CARD = (
    "001096670111|131128044|Nguyễn Hoàng Cường|31081996|Nam|Số 108 ngõ 283, Phùng, Hà Nội|03052022"
)


def test_card_payload_is_normalised_as_fields_md() -> None:
    qr = parse_cccd(CARD, TODAY)
    assert isinstance(qr, CccdQr) and qr.valid
    assert qr.field_values() == {
        "id_number": "001096670111",
        "full_name": "NGUYỄN HOÀNG CƯỜNG",
        "date_of_birth": "1996-08-31",
        "sex": "Nam",
        "place_of_residence": "Số 108 ngõ 283, Phùng, Hà Nội",
        "issue_date": "2022-05-03",
    }
    assert qr.old_id_number == "131128044"


def test_card_payload_without_old_number_or_with_trailing_bar() -> None:
    qr = parse_cccd("001196670111||Lê Thị Hoa|01021996|Nữ|Hà Nội|03052022|", TODAY)
    assert qr is not None and qr.valid and qr.sex == "Nữ" and qr.old_id_number == ""


@pytest.mark.parametrize(
    ("payload", "issue"),
    [
        # sex digit says male (0) but the payload says Nữ
        ("001096670111||Lê Thị Hoa|31081996|Nữ|Hà Nội|03052022", "id_number.sex_mismatch"),
        # birth year 1996 encoded, payload says 1995
        ("001096670111||Lê Văn An|31081995|Nam|Hà Nội|03052022", "id_number.birth_year_mismatch"),
        ("999096670111||Lê Văn An|31081996|Nam|Hà Nội|03052022", "id_number.province"),
        ("001096670111||Lê Văn An|31081996|Nam|Hà Nội|03051990", "issue_date.invalid"),
    ],
)
def test_card_payload_failing_the_id_rules_is_not_valid(payload: str, issue: str) -> None:
    qr = parse_cccd(payload, TODAY)
    assert qr is not None and not qr.valid and issue in qr.issues


@pytest.mark.parametrize(
    "text",
    ["hello", "001096670111|x|y", "1|2|3|4|5|6|7", "https://example.vn/?a=1", CODE],
)
def test_other_text_is_not_a_card(text: str) -> None:
    assert parse_cccd(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "layout", "kind", "procedure", "applicant"),
    [
        (
            f"MOTCUA|{CODE}|1.000893|001096670111|KQ",
            "motcua-pipe",
            "result",
            "1.000893",
            "001096670111",
        ),
        (f"motcua|{CODE}|1.000893||TP", "motcua-pipe", "component", "1.000893", ""),
        (
            f"MaHoSo={CODE};MaTTHC=2.001;SoDinhDanh=001096670111;Loai=KQ",
            "key-value",
            "result",
            "2.001",
            "001096670111",
        ),
        (
            f"https://dichvucong.example.vn/tra-cuu?maHoSo={CODE}&maTTHC=1.2",
            "lookup-url",
            None,
            "1.2",
            "",
        ),
    ],
)
def test_one_stop_layouts(
    text: str, layout: str, kind: str | None, procedure: str, applicant: str
) -> None:
    qr = parse_one_stop(text)
    assert isinstance(qr, OneStopQr)
    assert (qr.dossier_code, qr.layout, qr.procedure_code, qr.applicant_id) == (
        CODE,
        layout,
        procedure,
        applicant,
    )
    assert (qr.kind.value if qr.kind else None) == kind


@pytest.mark.parametrize(
    "text",
    [
        "MOTCUA|not-a-code|1.0|001096670111|KQ",
        "MOTCUA|000.00.20.H12-241399-0007|1.0||KQ",  # month 13: never guessed at
        "https://example.vn/tra-cuu?id=5",
        "MaTTHC=1.0;Loai=KQ",
    ],
)
def test_one_stop_without_a_valid_dossier_code_is_ignored(text: str) -> None:
    assert parse_one_stop(text) is None


def test_context_from_a_result_code() -> None:
    codes = [DecodedCode(text="something else"), DecodedCode(text=f"MOTCUA|{CODE}|1.000893||KQ")]
    context = context_from_codes(codes)
    assert context is not None
    assert context.dossier_code == CODE and context.procedure_code == "1.000893"
    assert context.kind is DigitizationKind.RESULT
    assert context.component == "Kết quả giải quyết"
    assert context_from_codes([DecodedCode(text=CARD)]) is None
    assert context_from_codes([]) is None


def test_separator_round_trip() -> None:
    sheet = SeparatorQr(
        dossier_code=CODE,
        component="Tờ khai đăng ký khai sinh",
        procedure_code="1.001193",
        kind=DigitizationKind.RESULT,
    )
    payload = sheet.payload()
    assert payload == f"SOHOA-SEP|v1|{CODE}|Tờ khai đăng ký khai sinh|1.001193|KQ"
    assert parse_separator(payload) == sheet
    assert parse_payload(payload) == sheet
    context = sheet.context()
    assert (context.dossier_code, context.component, context.kind) == (
        CODE,
        "Tờ khai đăng ký khai sinh",
        DigitizationKind.RESULT,
    )


def test_separator_refuses_bars_and_bad_payloads() -> None:
    with pytest.raises(ValueError):
        SeparatorQr(dossier_code=CODE, component="a|b").payload()
    assert parse_separator(f"SOHOA-SEP|v2|{CODE}|X||TP") is None
    assert parse_separator("SOHOA-SEP|v1|bad|X||TP") is None
    assert parse_separator(f"SOHOA-SEP|v1|{CODE}|||TP") is None


def test_payload_kinds_are_told_apart() -> None:
    assert isinstance(parse_payload(CARD, TODAY), CccdQr)
    assert isinstance(parse_payload(f"MOTCUA|{CODE}|1||TP"), OneStopQr)
    assert parse_payload("https://zalo.me/g/abc") is None
