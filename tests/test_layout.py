"""Reading order: two-column zones (header, signature block) are read block by block."""

from __future__ import annotations

from pipeline.layout import in_reading_order, reading_order
from schemas.ocr import Box, Line, PageText, Word

HEIGHT = 30


def row(top: int, *spans: tuple[int, str]) -> Line:
    """Words laid left to right from each (x, text) start, 20 px per letter, 10 px apart."""
    words = []
    for x, text in spans:
        for token in text.split():
            width = 20 * len(token)
            words.append(
                Word(
                    text=token, confidence=0.9, box=Box(left=x, top=top, width=width, height=HEIGHT)
                )
            )
            x += width + 10
    return Line(words=words)


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def test_two_column_header_is_read_left_block_then_right_block() -> None:
    lines = [
        row(100, (100, "UBND THÀNH PHỐ ĐÀ NẴNG"), (600, "CỘNG HOÀ XÃ HỘI")),  # narrow gap
        row(140, (120, "SỞ GIÁO DỤC"), (700, "Độc lập Tự do")),
        row(180, (130, "Số: 1906"), (650, "Đà Nẵng, ngày 26")),
        row(220, (110, "V/v khẩn trương")),
        row(400, (100, "Thực hiện chỉ đạo của UBND thành phố tại Công văn")),
    ]
    assert texts(reading_order(lines, 1200)) == [
        "UBND THÀNH PHỐ ĐÀ NẴNG",
        "SỞ GIÁO DỤC",
        "Số: 1906",
        "V/v khẩn trương",
        "CỘNG HOÀ XÃ HỘI",
        "Độc lập Tự do",
        "Đà Nẵng, ngày 26",
        "Thực hiện chỉ đạo của UBND thành phố tại Công văn",
    ]


def test_one_wide_gap_is_a_tab_stop_not_columns() -> None:
    lines = [
        row(100, (100, "Ghi bằng chữ: Ngày hai mươi tháng tám năm")),
        row(140, (100, "chín")),
        row(180, (100, "Giới tính: Nam"), (700, "Dân tộc: Kinh")),
        row(220, (100, "Nơi sinh: Bệnh viện Đa khoa thành phố Hồ Chí Minh")),
    ]
    assert texts(reading_order(lines, 1200)) == texts(lines)


def test_rows_far_apart_are_not_one_zone() -> None:
    lines = [
        row(100, (100, "Họ và tên: AN"), (700, "Ngày sinh: 1990")),
        row(400, (100, "Nơi ở: Huế"), (700, "Quê quán: Huế")),
    ]
    assert texts(reading_order(lines, 1200)) == texts(lines)


def test_body_text_spanning_the_channel_ends_the_zone() -> None:
    lines = [
        row(100, (100, "Nơi nhận:"), (700, "KT. CHỦ TỊCH")),
        row(140, (100, "- Như trên;"), (700, "PHÓ CHỦ TỊCH")),
        row(180, (100, "Lưu: VT và các đơn vị khác có liên quan đến việc này")),
    ]
    assert texts(reading_order(lines, 1200)) == [
        "Nơi nhận:",
        "- Như trên;",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lưu: VT và các đơn vị khác có liên quan đến việc này",
    ]


def test_page_records_whether_columns_were_found() -> None:
    header = [
        row(100, (100, "ỦY BAN NHÂN DÂN"), (700, "CỘNG HÒA")),
        row(140, (100, "XÃ AN BÌNH"), (700, "Độc lập")),
    ]
    page = in_reading_order(PageText(page_number=1, width=1200, lines=header))
    assert texts(page.lines) == ["ỦY BAN NHÂN DÂN", "XÃ AN BÌNH", "CỘNG HÒA", "Độc lập"]
    assert page.stages[-1].stage == "reading_order" and page.stages[-1].applied
    plain = in_reading_order(PageText(page_number=1, width=1200, lines=header[:1]))
    assert not plain.stages[-1].applied
