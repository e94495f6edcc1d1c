"""Marriage certificates (Giấy chứng nhận kết hôn) and marriage extracts.

Everything after the husband's name belongs to him until the wife's name (or the other way
round); a form printed in two columns is read by column when one line opens both blocks.
"""

from __future__ import annotations

from pipeline.extract.spec import (
    MAIN,
    WRITTEN_DATE,
    DocRules,
    FieldSpec,
    IdCheck,
    Kind,
    Label,
    Section,
)
from schemas.fields import DocType

HUSBAND_NAMES = (
    "Họ, chữ đệm, tên chồng",
    "Họ, chữ đệm, tên người chồng",
    "Họ và tên chồng",
    "Họ tên chồng",
)
WIFE_NAMES = (
    "Họ, chữ đệm, tên vợ",
    "Họ, chữ đệm, tên người vợ",
    "Họ và tên vợ",
    "Họ tên vợ",
)
HUSBAND_STARTS = (*HUSBAND_NAMES, "Thông tin của chồng", "Thông tin người chồng", "Bên chồng")
WIFE_STARTS = (*WIFE_NAMES, "Thông tin của vợ", "Thông tin người vợ", "Bên vợ")
NAME_LABELS = ("Họ, chữ đệm, tên", "Họ, chữ đệm và tên", "Họ và tên", "Họ tên")
BIRTH_LABELS = ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày")
ID_LABELS = ("Số định danh cá nhân", "Giấy tờ tùy thân", "Giấy tờ tùy thân số")


def _person(role: str, names: tuple[str, ...]) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{role}_name", Kind.NAME, names + NAME_LABELS, required=True, section=role),
        FieldSpec(f"{role}_date_of_birth", Kind.DATE, BIRTH_LABELS, section=role),
        FieldSpec(f"{role}_id_number", Kind.ID_NUMBER, ID_LABELS, section=role),
    )


RULES = DocRules(
    doc_type=DocType.MARRIAGE_CERTIFICATE,
    fields=(
        FieldSpec(
            "registration_number",
            Kind.DOC_NUMBER,
            (Label("Số", anchored=True, weak=True),),
            next_line=False,
        ),
        *_person("husband", HUSBAND_NAMES),
        *_person("wife", WIFE_NAMES),
        FieldSpec(
            "registration_place",
            Kind.PLACE,
            ("Nơi đăng ký kết hôn", "Nơi đăng ký"),
            max_lines=2,
        ),
        FieldSpec(
            "registration_date",
            Kind.DATE,
            ("Ngày, tháng, năm đăng ký", "Ngày đăng ký", "Ngày đăng ký kết hôn"),
            required=True,
            patterns=(WRITTEN_DATE,),
            pick_last=True,
        ),
    ),
    sections=(
        Section("husband", HUSBAND_STARTS),
        Section("wife", WIFE_STARTS),
        Section(MAIN, ("Nơi đăng ký kết hôn",)),
    ),
    stops=("Quyển số", "Dân tộc", "Quốc tịch", "Nơi cư trú", "Nơi thường trú", "Ghi chú"),
    titles=("Giấy chứng nhận kết hôn", "Trích lục kết hôn", "Chứng nhận kết hôn"),
    phrases=(
        "tên chồng",
        "tên vợ",
        "tên người chồng",
        "tên người vợ",
        "Nơi đăng ký kết hôn",
        "Thông tin của chồng",
        "Thông tin của vợ",
    ),
    id_checks=(
        IdCheck("husband_id_number", birth_field="husband_date_of_birth", sex="Nam"),
        IdCheck("wife_id_number", birth_field="wife_date_of_birth", sex="Nữ"),
    ),
    date_order=(
        ("husband_date_of_birth", "registration_date"),
        ("wife_date_of_birth", "registration_date"),
    ),
)
