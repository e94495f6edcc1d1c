"""Vietnamese places: the province codes of the personal ID number and a small gazetteer.

Province codes are those of the 63 provinces used in 12-digit ID numbers (pre-2025 list,
Thông tư 07/2016/TT-BCA), so generated ID numbers carry a real code. The gazetteer holds a
few real districts and communes per province, enough for addresses that look like the ones
clerks type at the counter.
"""

from __future__ import annotations

import random

from pydantic import BaseModel

# fmt: off
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

# fmt: on
_CITIES = {"001", "031", "048", "079", "092"}  # centrally-run cities: "thành phố …"

# fmt: off
# province code → district → communes (real names; kind written as on forms).
GAZETTEER: dict[str, dict[str, tuple[str, ...]]] = {
    "001": {
        "quận Cầu Giấy": ("phường Dịch Vọng", "phường Dịch Vọng Hậu", "phường Quan Hoa",
                          "phường Nghĩa Đô"),
        "huyện Đan Phượng": ("xã Tân Lập", "xã Hạ Mỗ", "thị trấn Phùng"),
        "quận Hoàn Kiếm": ("phường Hàng Bạc", "phường Hàng Trống"),
        "huyện Gia Lâm": ("xã Bát Tràng", "xã Kiêu Kỵ"),
    },
    "079": {
        "quận 1": ("phường Bến Nghé", "phường Bến Thành"),
        "thành phố Thủ Đức": ("phường Linh Trung", "phường Hiệp Bình Chánh"),
        "huyện Củ Chi": ("xã Tân Thông Hội", "xã Phước Vĩnh An"),
        "huyện Bình Chánh": ("xã Vĩnh Lộc A", "xã Tân Kiên"),
    },
    "031": {
        "quận Lê Chân": ("phường An Biên", "phường Dư Hàng"),
        "huyện An Dương": ("xã An Hồng", "thị trấn An Dương"),
    },
    "048": {
        "quận Hải Châu": ("phường Thạch Thang", "phường Hòa Cường Bắc"),
        "huyện Hòa Vang": ("xã Hòa Phong", "xã Hòa Nhơn"),
    },
    "092": {
        "quận Ninh Kiều": ("phường An Hòa", "phường Xuân Khánh"),
        "huyện Phong Điền": ("xã Nhơn Ái", "thị trấn Phong Điền"),
    },
    "036": {
        "huyện Hải Hậu": ("xã Hải Minh", "thị trấn Yên Định"),
        "huyện Giao Thủy": ("xã Giao Thiện", "thị trấn Ngô Đồng"),
    },
    "034": {
        "thành phố Thái Bình": ("phường Tiền Phong", "phường Lê Hồng Phong"),
        "huyện Đông Hưng": ("thị trấn Đông Hưng", "xã Đông La"),
    },
    "040": {
        "huyện Nam Đàn": ("thị trấn Nam Đàn", "xã Kim Liên"),
        "thành phố Vinh": ("phường Hưng Bình", "phường Trường Thi"),
    },
    "038": {
        "thành phố Thanh Hóa": ("phường Điện Biên", "phường Ba Đình"),
        "huyện Hoằng Hóa": ("thị trấn Bút Sơn", "xã Hoằng Quang"),
    },
    "046": {
        "thành phố Huế": ("phường Phú Hội", "phường Vĩnh Ninh"),
        "huyện Phú Vang": ("thị trấn Phú Đa", "xã Phú Mỹ"),
    },
    "027": {
        "thành phố Bắc Ninh": ("phường Suối Hoa", "phường Tiền An"),
        "huyện Tiên Du": ("thị trấn Lim", "xã Phật Tích"),
    },
    "022": {
        "thành phố Hạ Long": ("phường Bãi Cháy", "phường Hồng Gai"),
        "thành phố Uông Bí": ("phường Quang Trung", "phường Thanh Sơn"),
    },
    "056": {
        "thành phố Nha Trang": ("phường Lộc Thọ", "phường Vĩnh Hải"),
        "huyện Diên Khánh": ("thị trấn Diên Khánh", "xã Diên An"),
    },
    "075": {
        "thành phố Biên Hòa": ("phường Tân Phong", "phường Trảng Dài"),
        "huyện Long Thành": ("thị trấn Long Thành", "xã Long An"),
    },
    "089": {
        "thành phố Long Xuyên": ("phường Mỹ Bình", "phường Mỹ Long"),
        "huyện Chợ Mới": ("thị trấn Chợ Mới", "xã Kiến An"),
    },
    "066": {
        "thành phố Buôn Ma Thuột": ("phường Tân Lợi", "phường Thành Công"),
        "huyện Krông Pắc": ("thị trấn Phước An", "xã Ea Phê"),
    },
    "068": {
        "thành phố Đà Lạt": ("phường 8", "phường 10", "xã Tà Nung"),
        "huyện Đức Trọng": ("thị trấn Liên Nghĩa", "xã Hiệp Thạnh"),
    },
    "030": {
        "thành phố Hải Dương": ("phường Trần Phú", "phường Ngọc Châu"),
        "huyện Gia Lộc": ("thị trấn Gia Lộc", "xã Gia Tân"),
    },
    "025": {
        "thành phố Việt Trì": ("phường Gia Cẩm", "phường Tiên Cát"),
        "huyện Lâm Thao": ("thị trấn Lâm Thao", "xã Sơn Vi"),
    },
    "042": {
        "thành phố Hà Tĩnh": ("phường Bắc Hà", "phường Nam Hà"),
        "huyện Can Lộc": ("thị trấn Nghèn", "xã Thiên Lộc"),
    },
}

# fmt: on
# Heavier weight on the big cities, as at real counters.
_WEIGHTS: dict[str, int] = {"001": 6, "079": 6, "031": 2, "048": 2, "092": 2}

_KINDS = ("thành phố", "thị trấn", "thị xã", "phường", "quận", "huyện", "xã")
# fmt: off
_STREETS = ("Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung",
            "Lý Thường Kiệt", "Phan Bội Châu", "Hùng Vương", "Nguyễn Du", "Điện Biên Phủ",
            "Lê Duẩn", "Trần Phú", "Ngô Quyền", "Võ Thị Sáu")
_VILLAGES = ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Phú Mỹ", "An Lạc",
             "Tân Thành", "Bình An", "Hòa Bình", "Đồng Tâm")
# fmt: on


def split_kind(unit: str) -> tuple[str, str]:
    """("phường", "Dịch Vọng") from "phường Dịch Vọng"."""
    for kind in _KINDS:
        if unit.startswith(kind + " "):
            return kind, unit[len(kind) + 1 :]
    raise ValueError(f"unknown administrative unit kind in {unit!r}")


def _short(unit: str, first: bool) -> str:
    """Card style: bare name, but keep the kind for numbered units or the leading unit."""
    kind, name = split_kind(unit)
    if first or name[0].isdigit():
        return f"{kind[0].upper()}{kind[1:]} {name}"
    return name


class Place(BaseModel):
    """A point in the gazetteer, optionally with a house number or village."""

    province_code: str
    district: str
    commune: str
    street: str = ""

    @property
    def province_name(self) -> str:
        return PROVINCE_CODES[self.province_code]

    @property
    def province(self) -> str:
        kind = "thành phố" if self.province_code in _CITIES else "tỉnh"
        return f"{kind} {self.province_name}"

    def full(self) -> str:
        """Certificate style: "phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội"."""
        parts = [self.commune, self.district, self.province]
        if self.street:
            parts.insert(0, self.street)
        return ", ".join(parts)

    def card(self) -> str:
        """ID-card style: "Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội"."""
        parts = [self.street] if self.street else []
        parts.append(_short(self.commune, first=not self.street))
        parts += [_short(self.district, first=False), self.province_name]
        return ", ".join(parts)

    def commune_upper(self) -> str:
        """Issuing-body line: "PHƯỜNG DỊCH VỌNG"."""
        return self.commune.upper()


def random_province_code(rng: random.Random) -> str:
    """A gazetteer province, big cities more often."""
    codes = sorted(GAZETTEER)
    return rng.choices(codes, weights=[_WEIGHTS.get(c, 1) for c in codes])[0]


def random_place(
    rng: random.Random, province_code: str | None = None, street: bool = False
) -> Place:
    """A commune of the gazetteer, with a house number or village when `street`."""
    code = province_code if province_code in GAZETTEER else random_province_code(rng)
    assert code is not None
    district = rng.choice(sorted(GAZETTEER[code]))
    commune = rng.choice(GAZETTEER[code][district])
    line = ""
    if street:
        south = int(code) >= 70
        if commune.startswith("xã"):
            hamlet = "Ấp" if south else rng.choice(("Thôn", "Xóm"))
            line = f"{hamlet} {rng.choice(_VILLAGES + tuple(str(n) for n in range(1, 9)))}"
        elif rng.random() < 0.5 and not south:
            line = f"Số {rng.randint(1, 120)} ngõ {rng.randint(2, 300)}"
        else:
            line = f"Số {rng.randint(1, 450)} đường {rng.choice(_STREETS)}"
    return Place(province_code=code, district=district, commune=commune, street=line)
