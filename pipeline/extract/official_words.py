"""The closed vocabulary of official headers: bodies, unit names, signer titles, document kinds.

The issuing body, the signer's title and the document kind are printed in capitals from a small
vocabulary (ỦY BAN NHÂN DÂN, SỞ GIÁO DỤC VÀ ĐÀO TẠO, PHÓ GIÁM ĐỐC, THÔNG BÁO) and a place name
from the gazetteer. OCR drops or swaps their marks (ỦY BAN NHÂN DẬN, THANH PHO ĐÁ NANG,
GIÁM ĐÓC); ``restore_marks`` gives a run of words the marks of the one known phrase with the
same letters. It never changes a letter, only marks, and only where the phrase is known whole.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from pipeline.names import fold_marks
from pipeline.places import all_unit_names

KINDS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QYĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}
"""Kinds of administrative document and their abbreviation in the number's symbol (Decree 30,
Appendix III). A letter with no kind of its own is a Công văn; its symbol starts with a body."""

OFFICIAL_LETTER = "Công văn"

BODY_PHRASES = (
    "ỦY BAN NHÂN DÂN",
    "UỶ BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "THÀNH PHỐ",
    "TỈNH",
    "QUẬN",
    "HUYỆN",
    "THỊ XÃ",
    "THỊ TRẤN",
    "PHƯỜNG",
    "XÃ",
    "ĐẶC KHU",
    "BỘ",
    "SỞ",
    "PHÒNG",
    "BAN",
    "CỤC",
    "CHI CỤC",
    "TỔNG CỤC",
    "VĂN PHÒNG",
    "TRUNG TÂM",
    "TRƯỜNG",
    "ĐẠI HỌC",
    "CAO ĐẲNG",
    "TRUNG HỌC PHỔ THÔNG",
    "TRUNG HỌC CƠ SỞ",
    "TIỂU HỌC",
    "MẦM NON",
    "CÔNG AN",
    "BỆNH VIỆN",
    "TRẠM Y TẾ",
    "GIÁO DỤC VÀ ĐÀO TẠO",
    "TƯ PHÁP",
    "NỘI VỤ",
    "TÀI CHÍNH",
    "KẾ HOẠCH VÀ ĐẦU TƯ",
    "TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
    "NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "LAO ĐỘNG, THƯƠNG BINH VÀ XÃ HỘI",
    "Y TẾ",
    "XÂY DỰNG",
    "GIAO THÔNG VẬN TẢI",
    "CÔNG THƯƠNG",
    "VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "VĂN HÓA - XÃ HỘI",
    "VĂN HÓA VÀ THÔNG TIN",
    "KHOA HỌC VÀ CÔNG NGHỆ",
    "THÔNG TIN VÀ TRUYỀN THÔNG",
    "KINH TẾ",
    "KINH TẾ - HẠ TẦNG",
    "QUẢN LÝ ĐÔ THỊ",
    "ĐỊA CHÍNH",
    "ĐIỆN LỰC",
    "HÀNH CHÍNH CÔNG",
    "PHỤC VỤ HÀNH CHÍNH CÔNG",
    "CHÍNH PHỦ",
    "QUỐC HỘI",
    "NHÂN DÂN",
)

TITLE_WORDS = (
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "CHI CỤC TRƯỞNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "TRƯỞNG CÔNG AN",
    "THỦ TRƯỞNG",
    "TỔNG GIÁM ĐỐC",
    "CHÁNH THANH TRA",
    "TRƯỞNG KHOA",
    "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH",
    "KT.",
    "TM.",
    "TL.",
    "TUQ.",
)
"""What a signer block prints above the name: the authority (KT., TM., TL., TUQ., Q.) and the
office."""

KIND_TITLES = tuple(name.upper() for name in KINDS.values())


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def _key(words: list[str], keep_d: bool = False) -> str:
    """The words' letters without marks; with ``keep_d`` Đ stays apart from D (in a place name
    DƯ is no ĐU: that is another letter; OCR's ĐỤC for DỤC in an office's name is a misread)."""
    if keep_d:
        words = [w.replace("Đ", "\0").replace("đ", "\0") for w in words]
    return " ".join(fold_marks(w.strip(",.:;")) for w in words)


def _table(phrases: list[str], keep_d: bool, first_wins: bool) -> dict[str, str | None]:
    """Folded letters → the marked phrase they stand for. Where several share them, the first
    listed wins (``first_wins``: one office name written with either tone placement), or None
    (unit names, Quan Hoa and Quan Hóa): such words are known, kept as read, never re-marked."""
    table: dict[str, list[str]] = {}
    for phrase in phrases:
        text = unicodedata.normalize("NFC", phrase)
        found = table.setdefault(_key(text.split(), keep_d), [])
        if text not in found:
            found.append(text)
    return {
        key: found[0] if first_wins or len(found) == 1 else None for key, found in table.items()
    }


_LONGEST = 8  # words in the longest phrase (office names, a few unit names)


@cache
def _vocabulary() -> dict[str, str | None]:
    """Office words and titles (not kinds: PHƯỜNG AN is no PHƯƠNG ÁN)."""
    return _table([*BODY_PHRASES, *TITLE_WORDS], keep_d=False, first_wins=True)


@cache
def _units() -> dict[str, str | None]:
    """Unit names of two words or more; the reading covering most words decides between them
    and the vocabulary."""
    # Two words at least: a one-word unit (Đu, An) is too easily another word.
    names = sorted(name.upper() for name in all_unit_names() if " " in name)
    return _table(names, keep_d=True, first_wins=False)


def load_vocabularies() -> None:
    """Build both tables now (a forking worker does it once, before its first job)."""
    _vocabulary()
    _units()


def _with_case_of(word: str, marked: str) -> str:
    """``marked`` letter by letter in the case of ``word`` (same letters: NFC is one code point
    per Vietnamese letter)."""
    return "".join(
        m.upper() if w.isupper() else m.lower() for w, m in zip(word, marked, strict=True)
    )


def _candidates(words: list[str], i: int, capitals: bool) -> list[tuple[int, str | None]]:
    """(size, phrase) of every known phrase starting at word ``i``: the office vocabulary
    (Đ and D alike) and unit names of two words or more (Đ apart from D)."""
    found = []
    for table, keep_d in ((_vocabulary(), False), (_units(), True)):
        for size in range(1, min(_LONGEST, len(words) - i) + 1):
            run = words[i : i + size]
            key = _key(run, keep_d)
            letters = "".join(c for w in run for c in w if c.isalpha())
            if key in table and (letters.isupper() or not capitals):
                found.append((size, table[key]))
    return found


def restore_marks(text: str, *, capitals_only: bool = True) -> str:
    """``text`` with runs of words that are known phrases but for marks given their marks.

    The runs are chosen to cover the most words, in the fewest phrases: "HUYỆN PHONG ĐIỀN" is
    the district (two words) rather than the office word PHÒNG (one); "PHÒNG VĂN HÓA VÀ THÔNG
    TIN" is the office rather than the commune PHONG VÂN. A word's punctuation and case are
    kept. With ``capitals_only`` only upper-case runs are touched: a header, not a sentence.
    """
    words = _words(text)
    n = len(words)
    # best[i]: (words covered, -phrases used) from word i on, and the phrase taken at i
    best: list[tuple[tuple[int, int], tuple[int, str | None] | None]] = [((0, 0), None)] * (n + 1)
    for i in range(n - 1, -1, -1):
        choice: tuple[tuple[int, int], tuple[int, str | None] | None] = (best[i + 1][0], None)
        for size, phrase in _candidates(words, i, capitals_only):
            covered, used = best[i + size][0]
            score = (covered + size, used - 1)
            if score > choice[0]:
                choice = (score, (size, phrase))
        best[i] = choice
    out: list[str] = []
    i = 0
    while i < n:
        taken = best[i][1]
        if taken is None:
            out.append(words[i])
            i += 1
            continue
        size, phrase = taken
        if phrase is None:  # a known name spelled several ways: kept as read
            out.extend(words[i : i + size])
            i += size
            continue
        for word, new in zip(words[i : i + size], phrase.split(), strict=True):
            core, marked = word.strip(",.:;"), new.strip(",.:;")
            if core and len(core) == len(marked):
                word = word.replace(core, _with_case_of(core, marked), 1)
            out.append(word)
        i += size
    return " ".join(out)
