"""Place fields: a unit name read with a wrong mark is doubted; right ones and streets are not."""

from __future__ import annotations

import pytest

from pipeline.places import dataset_path, doubts, known_units, restore_marks

pytestmark = pytest.mark.skipif(dataset_path() is None, reason="vietnamadminunits not installed")


def test_the_gazetteer_holds_wards_districts_and_provinces_of_both_eras() -> None:
    units = known_units()
    assert len(units) > 5000
    for name in ("kieu ky", "gia lam", "ha noi", "hoang hoa", "thanh hoa"):
        assert name in units, name


@pytest.mark.parametrize(
    "place",
    [
        "Xã Kiêu Kỵ, Gia Lâm, Hà Nội",
        "Xóm 5, xã Kiêu Kỵ, huyện Gia Lâm, thành phố Hà Nội",
        "Số 47 đường Hai Bà Trưng, thị trấn Nghèn, huyện Can Lộc, tỉnh Hà Tĩnh",
        "Phường Yên Hoà, Cầu Giấy, TP. Hà Nội",  # the older tone placement is the same name
        "Phường Yên Hòa, Cầu Giấy, TP. Hà Nội",
        "Bệnh viện Phụ sản Hà Nội",
        "Thôn KP3, TDP 12",  # abbreviations no syllable spells, without marks
    ],
)
def test_places_as_printed_are_not_doubted(place: str) -> None:
    assert doubts(place) == []


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("Xã Kiêu Ky, Gia Lâm, Hà Nội", "place.near_miss"),
        ("Xóm Nam, Hoằng Quang, Hoằng Hóa, Thanh Hoả", "place.near_miss"),
        ("huyện Gia Lam, thành phố Hà Nội", "place.near_miss"),
        ("Ủy ban nhân dân xã Kiêu Ky, huyện Gia Lâm, thành phố Hà Nội", "place.near_miss"),
        ("UBND xã Kiêu Ky, huyện Gia Lâm", "place.near_miss"),
        ("Xóm Nam, Hoằng Quang, Hoäng Hóa, Thanh Hóa", "place.invalid_syllable"),
    ],
)
def test_a_unit_read_with_another_mark_is_doubted(place: str, code: str) -> None:
    assert doubts(place) == [code]


def test_unit_names_from_minority_languages_are_not_taken_for_misreadings() -> None:
    """Đắk Lắk, Krông Pắc end in k: no Vietnamese syllable does, yet they are real units."""
    assert doubts("Xóm Đồng Tâm, Ea Phê, Krông Pắc, Đắk Lắk") == []
    assert doubts("Ủy ban nhân dân thị trấn Phước An, huyện Krông Pắc, tỉnh Đắk Lắk") == []


def test_every_place_the_generator_prints_passes() -> None:
    """The generator's communes are real: none may be doubted, or review stops meaning much."""
    from sohoa.samples.places import GAZETTEER, PROVINCE_CODES

    printed = [
        f"{commune}, {district}, {PROVINCE_CODES[code]}"
        for code, districts in GAZETTEER.items()
        for district, communes in districts.items()
        for commune in communes
    ]
    assert len(printed) > 50
    assert [p for p in printed if doubts(p)] == []


@pytest.mark.parametrize(
    ("read", "restored"),
    [
        ("Xã Kiêu Ky, Gia Lâm, Hà Nội", "Xã Kiêu Kỵ, Gia Lâm, Hà Nội"),
        ("XÃ KIÊU KY, GIA LAM, HÀ NỘI", "XÃ KIÊU KỴ, GIA LÂM, HÀ NỘI"),
        ("Ủy ban nhân dân xã Kiêu Ky, huyện Gia Lâm", "Ủy ban nhân dân xã Kiêu Kỵ, huyện Gia Lâm"),
        (
            "Số 59 ngõ 155, Hòa Cường Bắc, Hai Chau, Đà Nẵng",
            "Số 59 ngõ 155, Hòa Cường Bắc, Hải Châu, Đà Nẵng",
        ),
    ],
)
def test_a_unit_read_without_its_marks_gets_the_one_spelling_the_country_has(
    read: str, restored: str
) -> None:
    assert restore_marks(read) == restored
    assert doubts(restore_marks(read)) == []


@pytest.mark.parametrize(
    "place",
    [
        "Phường Yên Hoà, Cầu Giấy, TP. Hà Nội",  # the older tone placement: the same spelling
        "Thôn An Bình, Xóm 3",  # letters several units share: left as read
        "Số 12 ngõ 34, Dịch Vọng",  # a house number is no unit
        "Phường Lộc Thọ, Nha Trang, Khánh I Hòa 5",  # garbage stays garbage (and is doubted)
    ],
)
def test_what_the_gazetteer_cannot_settle_is_left_as_read(place: str) -> None:
    assert restore_marks(place) == place
