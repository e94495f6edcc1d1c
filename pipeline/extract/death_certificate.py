"""Death registration extracts (Trích lục khai tử) and old death certificates (Giấy chứng tử).

The date of death follows the time ("10 giờ 30 phút, ngày 05/06/2024"); the date reader skips
the time by itself.
"""

from __future__ import annotations

from pipeline.extract.spec import WRITTEN_DATE, DocRules, FieldSpec, IdCheck, Kind, Label
from schemas.fields import DocType

NAME_LABELS = (
    "Họ, chữ đệm, tên",
    "Họ, chữ đệm và tên",
    "Họ và tên",
    "Họ tên",
    "Họ, chữ đệm, tên người chết",
    "Họ và tên người chết",
)

RULES = DocRules(
    doc_type=DocType.DEATH_CERTIFICATE,
    fields=(
        FieldSpec(
            "registration_number",
            Kind.DOC_NUMBER,
            (Label("Số", anchored=True, weak=True),),
            next_line=False,
        ),
        FieldSpec("full_name", Kind.NAME, NAME_LABELS, required=True),
        FieldSpec("date_of_birth", Kind.DATE, ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày")),
        FieldSpec("sex", Kind.SEX, ("Giới tính",)),
        FieldSpec("id_number", Kind.ID_NUMBER, ("Số định danh cá nhân", "Giấy tờ tùy thân")),
        FieldSpec(
            "date_of_death",
            Kind.DATE,
            (
                "Đã chết vào lúc",
                "Chết vào lúc",
                "Ngày, tháng, năm chết",
                "Ngày chết",
                "Thời gian chết",
            ),
            required=True,
        ),
        FieldSpec("place_of_death", Kind.PLACE, ("Nơi chết",), max_lines=2),
        FieldSpec(
            "registration_date",
            Kind.DATE,
            ("Ngày, tháng, năm đăng ký", "Ngày đăng ký"),
            patterns=(WRITTEN_DATE,),
            pick_last=True,
        ),
    ),
    stops=(
        "Quyển số",
        "Dân tộc",
        "Quốc tịch",
        "Nơi cư trú",
        "Nơi thường trú",
        "Nguyên nhân chết",
        "Nơi đăng ký khai tử",
        "Họ, chữ đệm, tên người đi khai tử",
        "Ghi chú",
    ),
    titles=("Trích lục khai tử", "Giấy chứng tử", "Trích lục đăng ký khai tử", "Giấy khai tử"),
    phrases=(
        "Đã chết vào lúc",
        "Nơi chết",
        "Nguyên nhân chết",
        "Nơi đăng ký khai tử",
        "người đi khai tử",
    ),
    id_checks=(IdCheck("id_number", birth_field="date_of_birth", sex_field="sex"),),
    date_order=(
        ("date_of_birth", "date_of_death"),
        ("date_of_death", "registration_date"),
        ("date_of_birth", "registration_date"),
    ),
)
