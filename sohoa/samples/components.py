"""Other papers citizens bring to a commune: a residence confirmation (form CT07), a land-use
right certificate's first page, a business household registration certificate.

Labels follow the printed forms; the truth holds what extraction must read (docs/
document-layouts.md). Dates are coherent with the people's ages and REFERENCE_DATE.
"""

from __future__ import annotations

import random
from datetime import date

from schemas.fields import DocType
from sohoa.samples.layout import Block
from sohoa.samples.model import REFERENCE_DATE, SampleDocument, assemble, iso
from sohoa.samples.people import add_years, make_name, make_person, random_date
from sohoa.samples.places import random_place
from sohoa.samples.templates import (
    CERTIFICATE,
    certificate_title,
    fields_line,
    motto,
    pair,
    signature,
    text,
)
from sohoa.samples.texts import dmy, written_date

RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Con", "Mẹ", "Cha", "Cháu")
TRADES = ("TẠP HÓA", "ĐIỆN THOẠI", "VẬT LIỆU XÂY DỰNG", "ĂN UỐNG", "SỬA XE", "THUỐC TÂY")
SERIES = ("BĐ", "BX", "CS", "CĐ", "AA", "DE")


def _head(parent: str, body: str, number: str) -> list[Block]:
    return [
        text(parent, "head_left", align="center", scale=0.88, nowrap=True),
        text(body, "head_left", bold=True, align="center", scale=0.88, nowrap=True, underline=True),
        text(f"Số: {number}", "head_left", align="center", scale=0.88),
        *motto(),
    ]


def _signer(rng: random.Random) -> str:
    return " ".join(make_name(rng, rng.choice(("Nam", "Nữ"))))


def residence_confirmation(rng: random.Random) -> SampleDocument:
    """GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ (CT07) from a commune's police."""
    issued = random_date(rng, date(2023, 7, 1), REFERENCE_DATE)
    home = random_place(rng, street=True)
    person = make_person(rng, (add_years(issued, -70), add_years(issued, -16)), residence=home)
    relation = rng.choice(RELATIONS)
    if relation == "Chủ hộ":
        head_name = person.name_upper
    else:
        head_name = " ".join(make_name(rng, rng.choice(("Nam", "Nữ")))).upper()
    police = f"CÔNG AN {home.commune_upper()}"
    residence = home.full()
    blocks = [
        *_head(f"CÔNG AN {home.province.upper()}", police, f"{rng.randint(1, 900)}/XN"),
        certificate_title("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"),
        text(f"Công an {home.commune} xác nhận thông tin về cư trú của công dân như sau:"),
        fields_line(pair("1. Họ, chữ đệm và tên:", person.name_upper), space_before=0.3),
        fields_line(pair("2. Ngày, tháng, năm sinh:", dmy(person.date_of_birth))),
        fields_line(pair("3. Giới tính:", person.sex)),
        fields_line(pair("4. Số định danh cá nhân:", person.id_number)),
        fields_line(pair("5. Dân tộc:", person.ethnicity), pair("Tôn giáo:", "Không")),
        fields_line(pair("6. Nơi thường trú:", residence)),
        fields_line(pair("7. Họ, chữ đệm và tên chủ hộ:", head_name)),
        fields_line(pair("8. Quan hệ với chủ hộ:", relation)),
        text("Giấy xác nhận có giá trị 30 ngày kể từ ngày cấp.", italic=True, space_before=0.3),
        text(
            f"{home.province_name}, {written_date(issued)}",
            italic=True,
            align="right",
            space_before=0.5,
        ),
        *signature("TRƯỞNG CÔNG AN", "(Ký, ghi rõ họ tên, đóng dấu)", _signer(rng)),
    ]
    fields = {
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "sex": person.sex,
        "id_number": person.id_number,
        "place_of_residence": residence,
        "household_head": head_name,
        "relation_to_head": relation,
        "issue_date": iso(issued),
    }
    return assemble(DocType.RESIDENCE_CONFIRMATION, "ct07", CERTIFICATE.name, blocks, fields)


def land_use_certificate(rng: random.Random) -> SampleDocument:
    """First page of a land-use right certificate: a couple (Ông, then Bà) or one man."""
    issued = random_date(rng, date(2010, 1, 1), REFERENCE_DATE)
    land = random_place(rng, street=True)
    owner = make_person(rng, (add_years(issued, -75), add_years(issued, -25)), "Nam")
    couple = rng.random() < 0.6
    wife = make_person(rng, (add_years(issued, -70), add_years(issued, -22)), "Nữ")
    parcel, sheet = str(rng.randint(1, 999)), str(rng.randint(1, 80))
    area = f"{rng.randint(40, 900)},{rng.randint(0, 9)}"
    serial = f"{rng.choice(SERIES)} {rng.randint(100000, 999999)}"
    people = [("Ông:", owner)] + ([("Bà:", wife)] if couple else [])
    blocks: list[Block] = [
        *motto("title"),
        certificate_title("GIẤY CHỨNG NHẬN"),
        text(
            "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            "title",
            bold=True,
            align="center",
            scale=0.8,
            nowrap=True,
        ),
        text(
            "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
            bold=True,
            space_before=0.3,
        ),
    ]
    for label, person in people:
        blocks += [
            fields_line(
                pair(label, person.name_upper), pair("Năm sinh:", str(person.date_of_birth.year))
            ),
            fields_line(pair("CCCD số:", person.id_number)),
        ]
    blocks += [
        text("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True, space_before=0.3),
        fields_line(pair("Thửa đất số:", parcel), pair("Tờ bản đồ số:", sheet)),
        fields_line(pair("Địa chỉ thửa đất:", land.full())),
        fields_line(pair("Diện tích:", f"{area} m²")),
        fields_line(pair("Mục đích sử dụng:", "Đất ở tại nông thôn")),
        fields_line(pair("Thời hạn sử dụng:", "Lâu dài")),
        text(
            f"{land.province_name}, {written_date(issued)}",
            italic=True,
            align="right",
            space_before=0.4,
        ),
        *signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", _signer(rng), role=True),
        fields_line(pair("Số seri:", serial), space_before=0.2),
    ]
    fields = {
        "holder_name": owner.name_upper,
        "holder_id_number": owner.id_number,
        "parcel_number": parcel,
        "map_sheet": sheet,
        "land_address": land.full(),
        "area": area,
        "certificate_serial": serial,
    }
    if couple:
        fields |= {"co_holder_name": wife.name_upper, "co_holder_id_number": wife.id_number}
    return assemble(DocType.LAND_USE_CERTIFICATE, "gcn_page1", CERTIFICATE.name, blocks, fields)


def business_household_certificate(rng: random.Random) -> SampleDocument:
    """GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH from a district's finance and planning office."""
    issued = random_date(rng, date(2016, 1, 1), REFERENCE_DATE)
    place = random_place(rng, street=True)
    owner = make_person(rng, (add_years(issued, -65), add_years(issued, -20)), residence=place)
    code = f"{rng.randint(1, 96):02d}{rng.choice('ABCDEHKM')}8{rng.randint(0, 999999):06d}"
    name = f"CỬA HÀNG {rng.choice(TRADES)} {owner.name_upper.split()[-1]}"
    address = place.full()
    blocks = [
        *_head(
            f"UBND {place.district.upper()}",
            "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
            f"{rng.randint(1, 900)}/ĐKHKD",
        ),
        certificate_title("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH"),
        fields_line(pair("Mã số hộ kinh doanh:", code), space_before=0.2),
        fields_line(pair("Đăng ký lần đầu:", f"ngày {dmy(issued)}")),
        fields_line(pair("1. Tên hộ kinh doanh:", name), space_before=0.3),
        fields_line(pair("2. Địa chỉ trụ sở hộ kinh doanh:", address)),
        fields_line(pair("3. Ngành, nghề kinh doanh:", "Bán lẻ hàng hóa")),
        fields_line(pair("4. Vốn kinh doanh:", f"{rng.randint(5, 500)}.000.000 đồng")),
        text("5. Chủ hộ kinh doanh", bold=True, space_before=0.3),
        fields_line(pair("Họ, chữ đệm và tên:", owner.name_upper)),
        fields_line(pair("Giới tính:", owner.sex)),
        fields_line(pair("Số định danh cá nhân:", owner.id_number)),
        *signature("TRƯỞNG PHÒNG", "(Ký, ghi họ tên và đóng dấu)", _signer(rng)),
    ]
    fields = {
        "registration_number": code,
        "business_name": name,
        "business_address": address,
        "owner_name": owner.name_upper,
        "owner_id_number": owner.id_number,
        "issue_date": iso(issued),
    }
    return assemble(
        DocType.BUSINESS_HOUSEHOLD_CERTIFICATE, "tt01_2021", CERTIFICATE.name, blocks, fields
    )
