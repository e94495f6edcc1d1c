"""Decide whether a person must look at an extraction, and say why in short codes.

A reason is ``<field>:<code>`` (``full_name:missing``, ``id_number:id_number.sex_mismatch``,
``doc_type:low_confidence``); `describe` turns one into Vietnamese for the review screen.
Required fields go to review when missing, invalid or doubtful. ID numbers go to review whenever
they are doubtful or were repaired, required or not: a wrong ID number must never pass unseen.
"""

from __future__ import annotations

from pipeline.extract.decree30 import HANDWRITTEN
from pipeline.extract.repair import DOUBLED_LETTER_RULE, SLASH_DIGIT_RULE
from pipeline.extract.spec import DocRules, Kind
from pipeline.names import doubts
from pipeline.places import doubts as place_doubts
from schemas.fields import DocType, ExtractedField
from schemas.settings import ReviewSettings
from schemas.signatures import VERDICT_LABELS_VI

INVALID_FACTOR = 0.5
"""A value that fails validation keeps half its OCR confidence."""

MIN_DOC_TYPE_CONFIDENCE = 0.5


def penalize(fields: dict[str, ExtractedField]) -> None:
    for f in fields.values():
        if not f.valid:
            f.confidence = round(f.confidence * INVALID_FACTOR, 4)


def reasons(
    rules: DocRules | None,
    doc_type: DocType,
    doc_type_confidence: float,
    fields: dict[str, ExtractedField],
    settings: ReviewSettings,
    labelled: frozenset[str] = frozenset(),
) -> list[str]:
    """Every reason to send the extraction to review; empty when it can be trusted.

    ``labelled``: the fields whose label is printed; a field some forms do not print
    (``may_be_unprinted``) is missing only where its label is there.
    """
    found: list[str] = []
    if rules is None:  # OTHER, unless a rule module was registered for it
        if doc_type_confidence < 1.0:
            found.append("doc_type:unrecognized")
        return found
    if doc_type_confidence < MIN_DOC_TYPE_CONFIDENCE:
        found.append("doc_type:low_confidence")
    for spec in rules.fields:
        f = fields.get(spec.name)
        if f is None:
            if spec.required and (spec.name in labelled or not spec.may_be_unprinted):
                found.append(f"{spec.name}:missing")
            continue
        if spec.kind is Kind.NAME and f.valid and doubts(f.value):
            # A wrong mark in a name breaks finding the citizen again: never trusted silently.
            found.append(f"{spec.name}:name_uncertain")
            continue
        if spec.kind is Kind.PLACE and f.valid and place_doubts(f.value):
            found.append(f"{spec.name}:place_uncertain")  # Kiêu Ky for Kiêu Kỵ: found by place
            continue
        if not f.valid:  # shown to staff and searched on: a value that fails checks is doubtful
            codes = [i for i in f.issues if not i.startswith("repair.")] or ["invalid"]
            found.extend(f"{spec.name}:{code}" for code in codes)
            continue
        if HANDWRITTEN in f.issues:
            found.append(f"{spec.name}:{HANDWRITTEN}")  # written over a leader: a person reads
            continue
        if SLASH_DIGIT_RULE in f.issues or DOUBLED_LETTER_RULE in f.issues:
            found.append(f"{spec.name}:repaired")  # 171/2018 or 1711/2018: a person decides
            continue
        if f.confidence < settings.min_field_confidence:
            # Optional fields too: a registration number read at 0.03 is a guess, not a value.
            found.append(f"{spec.name}:low_confidence")
        elif f.repaired and spec.kind is Kind.ID_NUMBER:
            # The six random digits carry no check digit: a repaired one may be wrong yet valid.
            found.append(f"{spec.name}:repaired")
    return found


FIELD_NAMES_VI: dict[str, str] = {
    "id_number": "Số định danh cá nhân",
    "full_name": "Họ, chữ đệm, tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "ethnicity": "Dân tộc",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi cư trú",
    "place_of_birth": "Nơi sinh",
    "expiry_date": "Có giá trị đến",
    "issue_date": "Ngày cấp",
    "registration_number": "Số",
    "book_number": "Quyển số",
    "registration_date": "Ngày đăng ký",
    "registration_place": "Nơi đăng ký",
    "mother_name": "Họ tên mẹ",
    "mother_birth_year": "Năm sinh của mẹ",
    "father_name": "Họ tên cha",
    "father_birth_year": "Năm sinh của cha",
    "husband_name": "Họ tên chồng",
    "husband_date_of_birth": "Ngày sinh của chồng",
    "husband_id_number": "Số định danh của chồng",
    "wife_name": "Họ tên vợ",
    "wife_date_of_birth": "Ngày sinh của vợ",
    "wife_id_number": "Số định danh của vợ",
    "date_of_death": "Ngày chết",
    "place_of_death": "Nơi chết",
    "marital_status": "Tình trạng hôn nhân",
    "purpose": "Mục đích sử dụng",
    "valid_until": "Có giá trị đến",
    "doc_type": "Loại giấy tờ",
    "scan": "Bản quét",
    "qr": "Mã QR trên thẻ",
    "document_number": "Số, ký hiệu văn bản",
    "issuing_body": "Cơ quan ban hành",
    "parent_body": "Cơ quan chủ quản",
    "issue_place": "Địa danh",
    "document_kind": "Loại văn bản",
    "summary": "Trích yếu",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Người ký",
    "household_head": "Chủ hộ",
    "relation_to_head": "Quan hệ với chủ hộ",
    "holder_name": "Người sử dụng đất",
    "holder_id_number": "Số giấy tờ của người sử dụng đất",
    "co_holder_name": "Người cùng sử dụng đất",
    "co_holder_id_number": "Số giấy tờ của người cùng sử dụng đất",
    "parcel_number": "Thửa đất số",
    "map_sheet": "Tờ bản đồ số",
    "land_address": "Địa chỉ thửa đất",
    "area": "Diện tích",
    "certificate_serial": "Số seri giấy chứng nhận",
    "business_name": "Tên hộ kinh doanh",
    "business_address": "Địa chỉ hộ kinh doanh",
    "owner_name": "Chủ hộ kinh doanh",
    "owner_id_number": "Số định danh của chủ hộ kinh doanh",
    "copy_kind": "Hình thức bản sao",
    "copy_body": "Cơ quan sao",
    "copy_date": "Ngày sao",
    "signature": "Chữ ký số",
}

CODES_VI: dict[str, str] = {
    "missing": "thiếu thông tin bắt buộc",
    "low_confidence": "chữ nhận dạng không rõ, cần kiểm tra",
    "name_uncertain": "dấu của tên có thể bị đọc nhầm, cần đối chiếu bản gốc",
    "place_uncertain": "địa danh có thể bị đọc sai dấu, cần đối chiếu bản gốc",
    "handwritten": "có thể viết tay hoặc đọc không rõ, cần đối chiếu bản gốc",
    "qr_mismatch": "chữ in trên thẻ khác mã QR (có thể giả mạo hoặc đọc sai), cần kiểm tra",
    "low_resolution": "chữ quá nhỏ (ảnh chụp hoặc bản quét độ phân giải thấp), cần đối chiếu",
    "text.doubtful_word": "có chữ không phải tiếng Việt (dính liền hoặc đọc sai), cần đối chiếu",
    "repaired": "đã sửa ký tự nhận dạng nhầm, cần đối chiếu bản gốc",
    "invalid": "giá trị không hợp lệ",
    "unrecognized": "không nhận diện được loại giấy tờ",
    "id_number.not_digits": "có ký tự không phải chữ số",
    "id_number.unparsed": "không đọc được số",
    "id_number.length": "không đủ 12 chữ số",
    "id_number.cmnd_not_accepted": "số CMND 9 chữ số không dùng cho giấy tờ này",
    "id_number.province": "mã tỉnh nơi đăng ký khai sinh không tồn tại",
    "id_number.birth_year_future": "năm sinh mã hóa trong số nằm ở tương lai",
    "id_number.century_mismatch": "mã thế kỷ không khớp năm sinh",
    "id_number.birth_year_mismatch": "hai số năm sinh không khớp ngày sinh",
    "id_number.sex_mismatch": "mã giới tính không khớp giới tính",
    "id_number.conflict": "các số đọc được trên giấy không thống nhất",
    "date.unparsed": "không đọc được ngày",
    "date.future": "ngày ở tương lai",
    "date.not_before": "ngày muộn hơn ngày phải sau nó",
    "date.not_after": "ngày sớm hơn ngày phải trước nó",
    "year.unparsed": "không đọc được năm",
    "year.future": "năm ở tương lai",
    "name.unparsed": "không đọc được họ tên",
    "name.digits": "họ tên có chữ số",
    "sex.unparsed": "không đọc được giới tính",
    "doc_number.unparsed": "không đọc được số giấy tờ",
    "serial.series": "số seri phải bắt đầu bằng hai chữ cái in hoa",
    "serial.unparsed": "không đọc được số seri",
    "text.unparsed": "không đọc được nội dung",
}
# An incoming signed PDF's verdicts: "signature:signature.revoked" → "Chữ ký số: … thu hồi".
CODES_VI |= {f"signature.{verdict.value}": text for verdict, text in VERDICT_LABELS_VI.items()}


def describe(reason: str) -> str:
    """``date_of_birth:date.future`` → ``Ngày sinh: ngày ở tương lai``."""
    name, _, code = reason.partition(":")
    code = code.strip()
    if name == "pages_failed":  # the runner's "pages_failed:2,3": pages with no text at all
        return f"Bản quét: không đọc được trang {code.replace(',', ', ')}"
    key = code if code in CODES_VI else code.split(":", 1)[0]
    if key not in CODES_VI and key.rsplit(".", 1)[-1] in CODES_VI:
        key = key.rsplit(".", 1)[-1]  # "issue_date.invalid" (card QR) → "invalid"
    text = CODES_VI.get(key, code)
    if key in ("date.not_before", "date.not_after") and ":" in code:
        other = code.split(":", 1)[1]
        text = f"{text} ({FIELD_NAMES_VI.get(other, other)})"
    return f"{FIELD_NAMES_VI.get(name, name)}: {text}"
