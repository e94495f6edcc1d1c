"""Vietnamese labels the staff page and the CLI show for fields, statuses and actions."""

from __future__ import annotations

from schemas.dossiers import ComponentStatus
from schemas.fields import DocType

FIELD_LABELS_VI: dict[str, str] = {
    "id_number": "Số định danh",
    "old_id_number": "Số CMND cũ",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "ethnicity": "Dân tộc",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú",
    "place_of_birth": "Nơi sinh",
    "issue_date": "Ngày cấp",
    "expiry_date": "Có giá trị đến",
    "valid_until": "Có giá trị đến",
    "registration_number": "Số đăng ký",
    "book_number": "Quyển số",
    "registration_date": "Ngày đăng ký",
    "registration_place": "Nơi đăng ký",
    "mother_name": "Họ tên mẹ",
    "mother_birth_year": "Năm sinh mẹ",
    "father_name": "Họ tên cha",
    "father_birth_year": "Năm sinh cha",
    "husband_name": "Họ tên chồng",
    "husband_date_of_birth": "Ngày sinh chồng",
    "husband_id_number": "Số định danh chồng",
    "wife_name": "Họ tên vợ",
    "wife_date_of_birth": "Ngày sinh vợ",
    "wife_id_number": "Số định danh vợ",
    "date_of_death": "Ngày mất",
    "place_of_death": "Nơi mất",
    "marital_status": "Tình trạng hôn nhân",
    "purpose": "Mục đích sử dụng",
    "document_number": "Số ký hiệu",
}

# The few fields a result card shows, per document type (all fields appear in review).
KEY_FIELDS: dict[DocType, tuple[str, ...]] = {
    DocType.ID_CARD: ("id_number", "date_of_birth", "sex", "place_of_residence", "expiry_date"),
    DocType.BIRTH_CERTIFICATE: (
        "registration_number",
        "date_of_birth",
        "sex",
        "place_of_birth",
        "mother_name",
        "father_name",
    ),
    DocType.MARRIAGE_CERTIFICATE: (
        "registration_number",
        "husband_name",
        "husband_id_number",
        "wife_name",
        "wife_id_number",
        "registration_date",
    ),
    DocType.DEATH_CERTIFICATE: (
        "registration_number",
        "full_name",
        "date_of_death",
        "place_of_death",
    ),
    DocType.MARITAL_STATUS_CERTIFICATE: ("marital_status", "purpose", "valid_until"),
    DocType.OTHER: (),
}

STATUS_LABELS_VI: dict[str, str] = {
    ComponentStatus.NOT_DIGITIZED.value: "Chưa số hóa",
    ComponentStatus.DIGITIZED.value: "Đã số hóa",
    ComponentStatus.REUSED_COMPONENT.value: "Tái sử dụng (thành phần đã số hóa)",
    ComponentStatus.REUSED_RESULT.value: "Tái sử dụng (kết quả giải quyết)",
}

REUSED_STATUSES = frozenset(
    {ComponentStatus.REUSED_COMPONENT.value, ComponentStatus.REUSED_RESULT.value}
)


def field_label(name: str) -> str:
    return FIELD_LABELS_VI.get(name, name.replace("_", " "))
