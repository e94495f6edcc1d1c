"""Certificates of marital status (Giấy xác nhận tình trạng hôn nhân).

The issue date has no label: it is the place-and-date line above the signature
("Hà Nội, ngày 15 tháng 3 năm 2024"), so it is found by pattern, the last such line.
"""

from __future__ import annotations

from pipeline.extract.spec import WRITTEN_DATE, DocRules, FieldSpec, IdCheck, Kind, Label
from schemas.fields import DocType

RULES = DocRules(
    doc_type=DocType.MARITAL_STATUS_CERTIFICATE,
    fields=(
        FieldSpec(
            "registration_number",
            Kind.DOC_NUMBER,
            (Label("Số", anchored=True, weak=True),),
            next_line=False,
        ),
        FieldSpec(
            "full_name",
            Kind.NAME,
            ("Họ, chữ đệm, tên", "Họ, chữ đệm và tên", "Họ và tên", "Họ tên"),
            required=True,
        ),
        FieldSpec(
            "date_of_birth",
            Kind.DATE,
            ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày"),
            required=True,
        ),
        FieldSpec("sex", Kind.SEX, ("Giới tính",)),
        FieldSpec("id_number", Kind.ID_NUMBER, ("Số định danh cá nhân", "Giấy tờ tùy thân")),
        FieldSpec("place_of_residence", Kind.PLACE, ("Nơi cư trú", "Nơi thường trú"), max_lines=2),
        FieldSpec(
            "marital_status", Kind.TEXT, ("Tình trạng hôn nhân",), required=True, max_lines=2
        ),
        FieldSpec(
            "purpose",
            Kind.TEXT,
            ("Giấy này được cấp để", "Mục đích sử dụng", "Được cấp để"),
            max_lines=2,
        ),
        FieldSpec(
            "valid_until",
            Kind.DATE,
            (
                "Giấy này có giá trị sử dụng đến ngày",
                "Có giá trị sử dụng đến ngày",
                "Có giá trị đến ngày",
                "Có giá trị đến",
            ),
            future_ok=True,
        ),
        FieldSpec(
            "issue_date",
            Kind.DATE,
            ("Ngày cấp",),
            patterns=(WRITTEN_DATE,),
            pick_last=True,
        ),
    ),
    stops=("Dân tộc", "Quốc tịch", "Xác nhận", "Ghi chú", "Trong thời gian cư trú tại"),
    titles=("Giấy xác nhận tình trạng hôn nhân", "Xác nhận tình trạng hôn nhân"),
    phrases=(
        "Tình trạng hôn nhân",
        "Giấy này được cấp để",
        "có giá trị sử dụng đến ngày",
        "Chưa đăng ký kết hôn với ai",
    ),
    id_checks=(IdCheck("id_number", birth_field="date_of_birth", sex_field="sex"),),
    date_order=(
        ("date_of_birth", "issue_date"),
        ("issue_date", "valid_until"),
    ),
)
