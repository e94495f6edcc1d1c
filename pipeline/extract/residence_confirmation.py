"""Residence confirmations (Giấy xác nhận thông tin về cư trú, form CT07 of the Ministry of
Public Security), which citizens bring since the household book was abolished in 2023.

Items are numbered ("1. Họ, chữ đệm và tên: …"); the household head's name has the person's
label inside it, so it is its own, longer label. The issue date is the place-and-date line.
"""

from __future__ import annotations

from pipeline.extract.spec import WRITTEN_DATE, DocRules, FieldSpec, IdCheck, Kind
from schemas.fields import DocType

RULES = DocRules(
    doc_type=DocType.RESIDENCE_CONFIRMATION,
    fields=(
        FieldSpec(
            "full_name",
            Kind.NAME,
            ("Họ, chữ đệm và tên", "Họ, chữ đệm, tên", "Họ và tên"),
            required=True,
        ),
        FieldSpec(
            "date_of_birth", Kind.DATE, ("Ngày, tháng, năm sinh", "Ngày sinh"), required=True
        ),
        FieldSpec("sex", Kind.SEX, ("Giới tính",)),
        FieldSpec("id_number", Kind.ID_NUMBER, ("Số định danh cá nhân",), required=True),
        FieldSpec(
            "place_of_residence",
            Kind.PLACE,
            ("Nơi thường trú", "Nơi cư trú", "Nơi ở hiện tại"),
            required=True,
            max_lines=2,
        ),
        FieldSpec(
            "household_head",
            Kind.NAME,
            ("Họ, chữ đệm và tên chủ hộ", "Họ và tên chủ hộ", "Họ tên chủ hộ"),
        ),
        FieldSpec("relation_to_head", Kind.TEXT, ("Quan hệ với chủ hộ",)),
        FieldSpec("issue_date", Kind.DATE, ("Ngày cấp",), patterns=(WRITTEN_DATE,), pick_last=True),
    ),
    stops=("Dân tộc", "Tôn giáo", "Quốc tịch", "Giấy xác nhận có giá trị", "Nơi tạm trú"),
    titles=("Giấy xác nhận thông tin về cư trú", "Xác nhận thông tin về cư trú"),
    phrases=(
        "xác nhận thông tin về cư trú của công dân",
        "Nơi thường trú",
        "chủ hộ",
        "Quan hệ với chủ hộ",
        "Tôn giáo",
    ),
    id_checks=(IdCheck("id_number", birth_field="date_of_birth", sex_field="sex"),),
    date_order=(("date_of_birth", "issue_date"),),
)
