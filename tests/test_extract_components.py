"""Papers citizens bring besides civil documents: residence confirmation (CT07), land-use right
certificate (first page), business household registration certificate."""

from __future__ import annotations

import random
from datetime import date

import pytest

from pipeline.extract import extract
from schemas.fields import DocType
from schemas.settings import ReviewSettings
from sohoa.samples import build_document
from tests.extract_helpers import make_doc

REVIEW = ReviewSettings()
TODAY = date(2026, 1, 1)
HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"

CT07 = (
    HEADER
    + """GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ
Công an phường Dịch Vọng xác nhận thông tin về cư trú của công dân như sau:
1. Họ, chữ đệm và tên: NGUYỄN THỊ HOA
2. Ngày, tháng, năm sinh: 12/03/1990
3. Giới tính: Nữ
4. Số định danh cá nhân: 001190012345
5. Dân tộc: Kinh Tôn giáo: Không
6. Nơi thường trú: Số 12 ngõ 34, phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội
7. Họ, chữ đệm và tên chủ hộ: TRẦN VĂN NAM
8. Quan hệ với chủ hộ: Vợ
Hà Nội, ngày 5 tháng 3 năm 2024"""
)

LAND = (
    HEADER
    + """GIẤY CHỨNG NHẬN
QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT
I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất
Ông: TRẦN VĂN NAM Năm sinh: 1966
CCCD số: 001066012345
Bà: NGUYỄN THỊ HOA Năm sinh: 1970
CCCD số: 001170054321
II. Thửa đất, nhà ở và tài sản khác gắn liền với đất
Thửa đất số: 125 Tờ bản đồ số: 12
Địa chỉ thửa đất: Thôn Đông, xã Tân Lập, huyện Đan Phượng, thành phố Hà Nội
Diện tích: 120,5 m²
Mục đích sử dụng: Đất ở tại nông thôn
Số seri: BĐ 123456"""
)

BUSINESS = (
    HEADER
    + """GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH
Mã số hộ kinh doanh: 01D8012345
Đăng ký lần đầu: ngày 05/03/2024
1. Tên hộ kinh doanh: CỬA HÀNG TẠP HÓA HOA
2. Địa chỉ trụ sở hộ kinh doanh: Số 12 ngõ 34, phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội
3. Ngành, nghề kinh doanh: Bán lẻ hàng hóa
4. Vốn kinh doanh: 50.000.000 đồng
5. Chủ hộ kinh doanh
Họ, chữ đệm và tên: NGUYỄN THỊ HOA
Giới tính: Nữ
Số định danh cá nhân: 001190012345"""
)


def _values(text: str, doc_type: DocType) -> dict[str, str]:
    ex = extract(make_doc(text), REVIEW, today=TODAY)
    assert ex.doc_type is doc_type
    assert not ex.needs_review, ex.review_reasons
    return {name: f.value for name, f in ex.fields.items()}


def test_a_residence_confirmation() -> None:
    assert _values(CT07, DocType.RESIDENCE_CONFIRMATION) == {
        "full_name": "NGUYỄN THỊ HOA",  # not the head's, whose label holds hers
        "date_of_birth": "1990-03-12",
        "sex": "Nữ",
        "id_number": "001190012345",
        "place_of_residence": "Số 12 ngõ 34, phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội",
        "household_head": "TRẦN VĂN NAM",
        "relation_to_head": "Vợ",
        "issue_date": "2024-03-05",
    }


def test_a_land_use_certificate_names_both_holders() -> None:
    assert _values(LAND, DocType.LAND_USE_CERTIFICATE) == {
        "holder_name": "TRẦN VĂN NAM",
        "holder_id_number": "001066012345",
        "co_holder_name": "NGUYỄN THỊ HOA",
        "co_holder_id_number": "001170054321",
        "parcel_number": "125",
        "map_sheet": "12",
        "land_address": "Thôn Đông, xã Tân Lập, huyện Đan Phượng, thành phố Hà Nội",
        "area": "120,5",
        "certificate_serial": "BĐ 123456",
    }


def test_a_business_household_certificate() -> None:
    assert _values(BUSINESS, DocType.BUSINESS_HOUSEHOLD_CERTIFICATE) == {
        "registration_number": "01D8012345",
        "issue_date": "2024-03-05",
        "business_name": "CỬA HÀNG TẠP HÓA HOA",
        "business_address": "Số 12 ngõ 34, phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội",
        "owner_name": "NGUYỄN THỊ HOA",
        "owner_id_number": "001190012345",
    }


@pytest.mark.parametrize(
    "doc_type",
    [
        DocType.RESIDENCE_CONFIRMATION,
        DocType.LAND_USE_CERTIFICATE,
        DocType.BUSINESS_HOUSEHOLD_CERTIFICATE,
        DocType.ADMINISTRATIVE_DOCUMENT,
    ],
)
def test_generated_papers_read_back_from_their_printed_lines(doc_type: DocType) -> None:
    """The generator's printed lines, read as OCR would give them, give back its truth."""
    for seed in range(5):
        doc = build_document(doc_type, random.Random(seed))
        text = "\n".join(doc.lines)
        ex = extract(make_doc(text), REVIEW, today=TODAY)
        assert ex.doc_type is doc_type
        # Centred and right-column lines: make_doc sets every line flush left.
        layout_only = {"summary", "signer_title", "signer_name"}
        expected = {k: v for k, v in doc.fields.items() if k not in layout_only}
        assert {k: ex.value(k) for k in expected} == expected


def test_a_series_letter_read_twice_is_dropped_and_the_serial_goes_to_review() -> None:
    ex = extract(make_doc(LAND.replace("BĐ 123456", "BĐĐ 123456")), REVIEW, today=TODAY)
    assert ex.value("certificate_serial") == "BĐ 123456"
    assert "certificate_serial:repaired" in ex.review_reasons
    odd = extract(make_doc(LAND.replace("BĐ 123456", "B 123456")), REVIEW, today=TODAY)
    assert "certificate_serial:serial.series" in odd.review_reasons
