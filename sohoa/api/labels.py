"""Vietnamese labels the staff page and the CLI show for fields, statuses and actions."""

from __future__ import annotations

from pipeline.extract.decision import FIELD_NAMES_VI
from schemas.dossiers import ComponentStatus
from schemas.fields import DocType
from schemas.records import ScanState

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

# Fields named only in the extractor's review vocabulary (administrative documents, copies,
# land and business papers) are shown with its names.
FIELD_LABELS_VI.update(
    {name: text for name, text in FIELD_NAMES_VI.items() if name not in FIELD_LABELS_VI}
)

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
    DocType.ADMINISTRATIVE_DOCUMENT: (
        "document_number",
        "document_kind",
        "issuing_body",
        "issue_date",
        "signer_name",
    ),
    DocType.RESIDENCE_CONFIRMATION: ("full_name", "id_number", "household_head", "issue_date"),
    DocType.LAND_USE_CERTIFICATE: ("holder_name", "parcel_number", "map_sheet", "area"),
    DocType.BUSINESS_HOUSEHOLD_CERTIFICATE: (
        "registration_number",
        "business_name",
        "owner_name",
    ),
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


SCAN_STATE_LABELS_VI: dict[str, str] = {
    ScanState.QUEUED.value: "Chờ xử lý",
    ScanState.PROCESSING.value: "Đang xử lý",
    ScanState.DONE.value: "Đã số hóa",
    ScanState.NEEDS_REVIEW.value: "Cần rà soát",
    ScanState.QUARANTINED.value: "Bị cách ly",
    ScanState.FAILED.value: "Lỗi hệ thống",
    ScanState.SPLIT.value: "Đã tách thành các thành phần",
}

REQUEST_LABELS_VI: dict[str, str] = {
    "name": "Họ tên",
    "dossier_code": "Mã hồ sơ",
    "component": "Thành phần hồ sơ",
    "procedure_code": "Mã thủ tục",
    "result_id": "Mã kết quả",
    "component_id": "Mã thành phần",
    "version": "Phiên bản",
    "fields": "Các trường",
    "doc_type": "Loại giấy tờ",
    "note": "Ghi chú",
    "username": "Tên đăng nhập",
    "password": "Mật khẩu",
    "limit": "Số dòng",
    "from": "Từ ngày",
    "to": "Đến ngày",
    "by": "Nhóm theo",
    "format": "Định dạng",
    "offset": "Vị trí bắt đầu",
    "filename": "Tên tệp",
    "kind": "Loại số hóa",
    "state": "Trạng thái",
    "action": "Thao tác",
    "channel": "Hình thức nộp",
    "field": "Lĩnh vực",
    "applicant_id_number": "Số định danh người nộp",
    "applicant_name": "Họ tên người nộp",
    "applicant_date_of_birth": "Ngày sinh người nộp",
    "received_at": "Thời điểm tiếp nhận",
    "id_number": "Số định danh",
    "document_number": "Số ký hiệu",
    "date_of_birth": "Ngày sinh",
}
"""What the API's own request fields are called on the staff page (errors never show code names)."""


def field_label(name: str) -> str:
    return FIELD_LABELS_VI.get(name) or REQUEST_LABELS_VI.get(name) or name.replace("_", " ")
