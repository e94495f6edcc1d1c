"""Citizen ID cards: 2021 chip card (CCCD), 2024 card (Căn cước) and the old CMND.

Labels are bilingual on the chip cards; the English halves are aliases of the same field so
they are skipped, never read as values.
"""

from __future__ import annotations

from pipeline.extract.spec import WRITTEN_DATE, DocRules, FieldSpec, IdCheck, Kind, Label
from schemas.fields import DocType

RULES = DocRules(
    doc_type=DocType.ID_CARD,
    allow_cmnd=True,
    fields=(
        FieldSpec(
            "id_number",
            Kind.ID_NUMBER,
            (
                "Số định danh cá nhân",
                "Personal identification number",
                "Số CCCD",
                "Số CMND",
                Label("Số", anchored=True, weak=True),
                Label("No", weak=True),
            ),
            required=True,  # only from a labelled position: a bare 12-digit run may be anyone's
        ),
        FieldSpec(
            "full_name",
            Kind.NAME,
            (
                "Họ và tên",
                "Họ tên",
                "Họ, chữ đệm và tên khai sinh",
                "Họ, chữ đệm và tên",
                "Họ, chữ đệm, tên",
                "Full name",
                "Surname, middle name and given name",
                "middle name and given name",
                "given name",
            ),
            required=True,
        ),
        FieldSpec(
            "date_of_birth",
            Kind.DATE,
            ("Ngày sinh", "Sinh ngày", "Ngày, tháng, năm sinh", "Date of birth"),
            required=True,
        ),
        FieldSpec("sex", Kind.SEX, ("Giới tính", "Sex")),
        FieldSpec("nationality", Kind.TEXT, ("Quốc tịch", "Nationality")),
        FieldSpec(
            "place_of_origin",
            Kind.PLACE,
            ("Quê quán", "Nguyên quán", "Place of origin"),
            max_lines=2,
        ),
        FieldSpec(
            "place_of_residence",
            Kind.PLACE,
            (
                "Nơi thường trú",
                "Nơi ĐKHK thường trú",
                "Nơi cư trú",
                "Place of residence",
            ),
            max_lines=2,
        ),
        FieldSpec(
            "expiry_date",
            Kind.DATE,
            ("Có giá trị đến", "Có giá trị đến ngày", "Date of expiry"),
            future_ok=True,
            absent=("Không thời hạn", "Không xác định thời hạn"),
        ),
        FieldSpec(
            "issue_date",
            Kind.DATE,
            (
                "Ngày cấp",
                "Ngày, tháng, năm cấp",
                "Ngày, tháng, năm",
                "Date of issue",
                "Date, month, year",
            ),
            patterns=(WRITTEN_DATE,),
        ),
    ),
    stops=(
        "Dân tộc",
        "Ethnicity",
        "Tôn giáo",
        "Tên gọi khác",
        "Nơi đăng ký khai sinh",
        "Place of birth",
        "Đặc điểm nhận dạng",
        "Personal identification",
        "Ngón trỏ trái",
        "Ngón trỏ phải",
        "Left index finger",
        "Right index finger",
    ),
    titles=(
        "Căn cước công dân",
        "Căn cước",
        "Citizen Identity Card",
        "Identity Card",
        "Giấy chứng minh nhân dân",
        "Chứng minh nhân dân",
    ),
    phrases=(
        "Date of birth",
        "Place of origin",
        "Place of residence",
        "Date of expiry",
        "Personal identification number",
        "Nationality",
        "Full name",
        "Quê quán",
        "Nguyên quán",
        "Nơi thường trú",
        "Nơi ĐKHK thường trú",
        "Sex",
        "Sinh ngày",  # the old CMND's labels
        "Họ tên",
    ),
    id_checks=(IdCheck("id_number", birth_field="date_of_birth", sex_field="sex"),),
    date_order=(
        ("date_of_birth", "issue_date"),
        ("issue_date", "expiry_date"),
        ("date_of_birth", "expiry_date"),
    ),
)
