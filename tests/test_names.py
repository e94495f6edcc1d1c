"""The name model: mark errors on names are caught, real names pass."""

from __future__ import annotations

import random
from datetime import date

import pytest

from pipeline.names import (
    GIVEN_NAMES,
    MIDDLE_NAMES,
    SURNAMES,
    doubts,
    fold_marks,
    place_of,
    split_joined,
)
from sohoa.samples.people import GIVEN_NAMES as SAMPLE_GIVEN
from sohoa.samples.people import MIDDLE_NAMES as SAMPLE_MIDDLE
from sohoa.samples.people import SECOND_MIDDLE, make_person
from sohoa.samples.people import SURNAMES as SAMPLE_SURNAMES


@pytest.mark.parametrize(
    "misread",
    [
        "NGUYÊN VĂN AN",  # NGUYỄN
        "LẼ THỊ HOA",  # LÊ
        "TRÂN MINH QUÂN",  # TRẦN
        "HƯỲNH VĂN BÌNH",  # HUỲNH: no such syllable
        "ĐỒ THỊ LAN",  # ĐỖ
        "NGUYỄN MINH QUẦN",  # QUÂN
        "PHAM VĂN TÚ",  # PHẠM
    ],
)
def test_mark_errors_on_names_are_doubted(misread: str) -> None:
    assert doubts(misread)


def test_an_unspellable_syllable_is_named_as_such() -> None:
    assert doubts("HƯỲNH VĂN BÌNH") == ["name.invalid_syllable"]
    assert doubts("NGUYÊN VĂN AN") == ["name.near_miss"]


def test_generated_people_are_never_doubted() -> None:
    """Review is not free: a correctly read name must pass."""
    rng = random.Random(4)
    born = (date(1940, 1, 1), date(2020, 12, 31))
    names = [make_person(rng, born).name_upper for _ in range(500)]
    assert [n for n in names if doubts(n)] == []


def test_the_generators_name_syllables_are_all_known() -> None:
    assert {s.lower() for s in SAMPLE_SURNAMES} <= set(SURNAMES)
    middles = {
        m.lower() for group in (*SAMPLE_MIDDLE.values(), *SECOND_MIDDLE.values()) for m in group
    }
    assert middles <= MIDDLE_NAMES | GIVEN_NAMES
    assert {
        g.lower() for group in SAMPLE_GIVEN.values() for g in group
    } <= GIVEN_NAMES | MIDDLE_NAMES


def test_unknown_but_not_near_a_known_name_is_left_alone() -> None:
    assert doubts("NGUYỄN VĂN KHUYẾN") == []  # rare given name, no known neighbour
    assert fold_marks("ĐỖ") == "do" and fold_marks("NGUYỄN") == "nguyen"
    assert [place_of(i, 4) for i in range(4)] == ["surname", "middle", "middle", "given"]


@pytest.mark.parametrize(
    ("read", "split"),
    [
        ("NGUYỄN GIAHOÀNG", "NGUYỄN GIA HOÀNG"),
        ("NGUYỄN NGỌCNHUNG", "NGUYỄN NGỌC NHUNG"),
        ("PHAN THỊBÍCH", "PHAN THỊ BÍCH"),
        ("NGUYỄNVĂN AN", "NGUYỄN VĂN AN"),
        ("NGUYỄN VĂN AN", None),  # nothing lost
        ("NGUYỄN VĂN ANHX", None),  # no cut makes two known syllables: left for review
    ],
)
def test_a_lost_space_is_put_back_only_where_one_cut_makes_known_names(
    read: str, split: str | None
) -> None:
    assert split_joined(read) == split
