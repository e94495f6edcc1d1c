"""Looking for many phrases at once finds exactly what looking for each alone finds."""

from __future__ import annotations

from pipeline.extract.match import find, find_all, phrase
from pipeline.extract.registry import all_rules
from pipeline.extract.text import lines_of
from tests.extract_helpers import make_doc

PAGE = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY KHAl SINH
Họ, chữ đệm, tên: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 12/03/2024   Giới tinh: Nam
Nơi sinh: Trạm y tế xã Phú Mỹ
Họ, chữ đệm, tên người mẹ: TRẦN THỊ BÌNH
TRÍCH LỤC KHAI TỬ trích lục khai sinh Số: 125/2024
CĂN CƯỚC CÔNG DÂN Citizen Identity Card Số / No.: 001095012345
UBND PHƯỜNG HÀ ĐÔNG   V/v tăng cường công tác"""


def test_find_all_equals_find_for_every_phrase_of_every_rule() -> None:
    phrases = [
        phrase(text, anchored)
        for rules in all_rules()
        for text in (*rules.titles, *rules.phrases)
        for anchored in (False, True)
    ]
    lines = lines_of(make_doc(PAGE))
    hits = 0
    for line in lines:
        together = find_all(line, phrases)
        alone = [find(line, p) for p in phrases]
        assert together == alone, line.text
        hits += sum(map(len, alone))
    assert hits > 10  # the page does hold phrases: the comparison is not of empty lists
