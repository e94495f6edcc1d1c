"""Birth certificates (Giấy khai sinh, Thông tư 04/2020/TT-BTP) and their extracts.

The child's block comes first, then the mother's and the father's (in either order); ``Năm
sinh``, ``Dân tộc`` … repeat in each block, so the child's fields are scoped to the main section.
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

MOTHER_NAMES = (
    "Họ, chữ đệm, tên người mẹ",
    "Họ, chữ đệm, tên mẹ",
    "Họ và tên mẹ",
    "Họ tên mẹ",
)
FATHER_NAMES = (
    "Họ, chữ đệm, tên người cha",
    "Họ, chữ đệm, tên cha",
    "Họ và tên cha",
    "Họ tên cha",
)
MOTHER_STARTS = (*MOTHER_NAMES, "Thông tin của mẹ", "Thông tin người mẹ")
FATHER_STARTS = (*FATHER_NAMES, "Thông tin của cha", "Thông tin người cha")
NAME_LABELS = ("Họ, chữ đệm, tên", "Họ, chữ đệm và tên", "Họ và tên", "Họ tên")
BIRTH_YEAR_LABELS = ("Năm sinh", "Ngày, tháng, năm sinh", "Sinh năm")

RULES = DocRules(
    doc_type=DocType.BIRTH_CERTIFICATE,
    fields=(
        FieldSpec(
            "registration_number",
            Kind.DOC_NUMBER,
            (Label("Số", anchored=True, weak=True), Label("Số đăng ký", anchored=True)),
            required=True,
            next_line=False,
        ),
        FieldSpec("book_number", Kind.DOC_NUMBER, ("Quyển số",), next_line=False),
        FieldSpec("full_name", Kind.NAME, NAME_LABELS, required=True, section=MAIN),
        FieldSpec(
            "date_of_birth",
            Kind.DATE,
            ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày"),
            required=True,
            section=MAIN,
        ),
        FieldSpec("sex", Kind.SEX, ("Giới tính",), section=MAIN),
        FieldSpec("ethnicity", Kind.TEXT, ("Dân tộc",), section=MAIN),
        FieldSpec("nationality", Kind.TEXT, ("Quốc tịch",), section=MAIN),
        FieldSpec("place_of_birth", Kind.PLACE, ("Nơi sinh",), section=MAIN, max_lines=2),
        FieldSpec("id_number", Kind.ID_NUMBER, ("Số định danh cá nhân",), section=MAIN),
        FieldSpec("mother_name", Kind.NAME, MOTHER_NAMES + NAME_LABELS, section="mother"),
        FieldSpec("mother_birth_year", Kind.YEAR, BIRTH_YEAR_LABELS, section="mother"),
        FieldSpec("father_name", Kind.NAME, FATHER_NAMES + NAME_LABELS, section="father"),
        FieldSpec("father_birth_year", Kind.YEAR, BIRTH_YEAR_LABELS, section="father"),
        FieldSpec(
            "registration_place",
            Kind.PLACE,
            ("Nơi đăng ký khai sinh", "Nơi đăng ký"),
            max_lines=2,
        ),
        FieldSpec(
            "registration_date",
            Kind.DATE,
            ("Ngày, tháng, năm đăng ký", "Ngày đăng ký"),
            required=True,
            may_be_unprinted=True,
            patterns=(WRITTEN_DATE,),
            pick_last=True,
        ),
    ),
    sections=(
        Section("mother", MOTHER_STARTS),
        Section("father", FATHER_STARTS),
        Section(MAIN, ("Nơi đăng ký khai sinh",)),
    ),
    stops=(
        "Ghi bằng chữ",
        "Nơi cư trú",
        "Nơi thường trú",
        "Quê quán",
        "Ghi chú",
        "Người đi khai sinh",
        "Quan hệ với người được khai sinh",
    ),
    titles=("Giấy khai sinh", "Trích lục khai sinh", "Bản sao giấy khai sinh"),
    phrases=(
        "tên người mẹ",
        "tên người cha",
        "Nơi đăng ký khai sinh",
        "Ghi bằng chữ",
        "Nơi sinh",
        "Người đi khai sinh",
    ),
    id_checks=(IdCheck("id_number", birth_field="date_of_birth", sex_field="sex"),),
    date_order=(
        ("date_of_birth", "registration_date"),
        ("mother_birth_year", "date_of_birth"),
        ("father_birth_year", "date_of_birth"),
    ),
)
