"""A Vietnamese name model: which syllables stand where in a full name, and how common they are.

A full name is surname + middle name(s) + given name ("NGUYỄN THỊ MINH KHAI"). OCR errors on
names are mark errors (NGUYỄN → NGUYÊN, TRẦN → TRÂN, PHẠM → PHAM): the read syllable is real
Vietnamese but not the name. ``doubts`` says when a reading should go to a person: a syllable
that cannot be spelled, or one that is not a known name syllable in its place while a known one
with the same letters and other marks is (NGUYÊN in the surname place: NGUYỄN is the surname).

Sources of the lists (public statistics, rounded):
- surnames and their shares: the surname distribution commonly cited from Lê Trung Hoa,
  "Họ và tên người Việt Nam" (1992) and the 2005 survey summarised in Wikipedia's "Vietnamese
  name" article (Nguyễn ≈ 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %, Hoàng/Huỳnh 5.1 %, Phan 4.5 %,
  Vũ/Võ 3.9 %, Đặng 2.1 %, Bùi 2 %, Đỗ 1.4 %, Hồ 1.3 %, Ngô 1.3 %, Dương 1 %, Lý 0.5 %);
- middle and given names: the most frequent syllables in published lists of Vietnamese given
  names (the names registered most often, as compiled in the same article and in name
  dictionaries); a syllable missing here is not an error, only not a known correction target.
"""

from __future__ import annotations

import unicodedata

from pipeline.syllables import is_syllable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# fmt: off
SURNAMES: dict[str, float] = {
    "nguyễn": 38, "trần": 11, "lê": 9.5, "phạm": 7, "hoàng": 3, "huỳnh": 2.1, "phan": 4.5,
    "vũ": 2, "võ": 1.9, "đặng": 2.1, "bùi": 2, "đỗ": 1.4, "hồ": 1.3, "ngô": 1.3,
    "dương": 1, "lý": 0.5, "trương": 0.8, "đinh": 0.7, "đoàn": 0.6, "lâm": 0.4, "mai": 0.4,
    "trịnh": 0.4, "cao": 0.3, "lương": 0.3, "tạ": 0.2, "hà": 0.3, "chu": 0.2, "lưu": 0.2,
    "quách": 0.1, "tô": 0.1, "kiều": 0.1, "vương": 0.1, "thái": 0.1, "ông": 0.1, "văn": 0.1,
    "đào": 0.3, "đàm": 0.1, "la": 0.05, "lục": 0.05, "mạc": 0.05, "nghiêm": 0.05, "tăng": 0.05,
    "phùng": 0.1, "triệu": 0.1, "thân": 0.05, "khúc": 0.03, "âu": 0.03, "giang": 0.03,
    "doãn": 0.03, "diệp": 0.03, "hứa": 0.03, "lò": 0.03, "lã": 0.03, "lạc": 0.02,
    "nông": 0.05, "quan": 0.03, "tôn": 0.03, "từ": 0.03, "vi": 0.03, "viên": 0.02,
    "bạch": 0.02, "bế": 0.02, "cù": 0.02, "cung": 0.02, "châu": 0.05, "chế": 0.02,
    "đường": 0.02, "kim": 0.02, "khổng": 0.02, "lạng": 0.01, "mẫn": 0.01, "ninh": 0.02,
    "phí": 0.02, "phó": 0.02, "thạch": 0.03, "tống": 0.03, "trang": 0.01, "ung": 0.01,
    "vòng": 0.01, "hầu": 0.01, "hàn": 0.02, "khương": 0.02, "mã": 0.02, "nhữ": 0.01,
}
MIDDLE_NAMES: frozenset[str] = _words(
    """
văn thị đức minh quang hữu công thành xuân tuấn gia đình trọng quốc hoàng thanh ngọc anh thu
kim hồng phương bảo khánh diệu mai thùy thuỳ hoài thế mỹ bích thúy thuý hải như tường ngọc
bá duy đăng mạnh phúc tiến trung hùng khắc viết tất hồ nhật lan cẩm huyền tuyết hương quỳnh
lệ vân yến phước cao tấn chí nguyên ánh diễm thảo hà tú trà uyên hoàng
"""
)
GIVEN_NAMES: frozenset[str] = _words(
    """
an anh bảo bình cường dũng duy đạt đức dương giang hải hiếu hoàng hùng huy khang khánh khoa
kiên lâm long lộc mạnh minh nam nghĩa nhật phong phúc quân quang sơn tài thắng thành thịnh
tiến toàn trung tuấn tùng việt vinh vũ hưng lực tường hậu bích chi dung duyên hà hằng hạnh
hiền hoa hồng huệ hương hường lan liên linh loan mai my nga ngân ngọc nhung oanh phương
quỳnh thảo thủy thuỷ trang trâm uyên vân vy xuân yến nguyệt thư tâm thanh hòa hoà hiệp hiển
hoài huân khải khôi kiệt luân nhân phát quý sang tâm thái thiện thông thuận trí trọng tú tuệ
văn vĩnh vương ái ánh châu diệp diệu đào giao hạ hân hiên huyền khuê kiều lệ lụa mơ my nhi
nhàn nhạn như phượng quyên sa tâm thắm thi thơ thùy thúy thuý tiên trinh tuyết tươi vi xuyến
đông hào hợp kha khoa lân lợi lưu nguyên nhất phi phụng quyết sáng sĩ tân thạch thăng thiên
thịnh thống tín toản trường tuyên tuyền tư vỹ vĩ dương đăng định điệp hạnh khiêm khiết lãm
lĩnh mẫn ngôn nhiên
"""
)
# fmt: on
_PLACES = ("surname", "middle", "given")


def fold_marks(syllable: str) -> str:
    """The letters without any mark (NGUYỄN, NGUYÊN → nguyen; Đ → d)."""
    base = unicodedata.normalize("NFD", syllable.lower().replace("đ", "d"))
    return "".join(c for c in base if not unicodedata.combining(c))


def _canonical(syllable: str) -> str:
    return unicodedata.normalize("NFC", syllable.lower())


_KNOWN: dict[str, frozenset[str]] = {
    "surname": frozenset(SURNAMES),
    "middle": MIDDLE_NAMES,
    "given": GIVEN_NAMES,
}


def _by_letters(place: str) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for syllable in _KNOWN[place]:
        table.setdefault(fold_marks(syllable), set()).add(syllable)
    return table


_LETTERS = {place: _by_letters(place) for place in _PLACES}


def place_of(index: int, count: int) -> str:
    """Surname first, given name last, middle names between (a one-word name is given)."""
    if count == 1 or index == count - 1:
        return "given"
    return "surname" if index == 0 else "middle"


def near_misses(syllable: str, place: str) -> set[str]:
    """Known name syllables of that place with the same letters and other marks."""
    word = _canonical(syllable)
    if word in _KNOWN[place]:
        return set()
    return _LETTERS[place].get(fold_marks(word), set()) - {word}


def is_known(syllable: str, place: str) -> bool:
    """Whether the list of that place has this very syllable, marks and all."""
    return _canonical(syllable) in _KNOWN[place]


def syllable_doubt(syllable: str, place: str) -> str | None:
    """Why one syllable in that place of a name may be misread, or None.

    A middle syllable is also checked against given names (a middle name is often a given
    one), and the reverse, so only a syllable no list knows, with a known neighbour, counts.
    """
    if not is_syllable(syllable):
        return "name.invalid_syllable"
    word = _canonical(syllable)
    places = (place,) if place == "surname" else ("middle", "given")
    if any(word in _KNOWN[p] for p in places):
        return None
    return "name.near_miss" if any(near_misses(word, p) for p in places) else None


def doubts(name: str) -> list[str]:
    """Why a read name may be wrong: ``name.invalid_syllable``, ``name.near_miss``; [] if none."""
    syllables = name.split()
    found = {
        syllable_doubt(syllable, place_of(index, len(syllables)))
        for index, syllable in enumerate(syllables)
    }
    return sorted(code for code in found if code is not None)


def split_joined(name: str) -> str | None:
    """The name with each unspellable word split where the engine lost a space, or None.

    ``NGUYỄN GIAHOÀNG`` → ``NGUYỄN GIA HOÀNG``: a word that is no syllable is split only when
    exactly one cut leaves two known name syllables for their places (middle + given, or
    surname + middle for a first word). Letters and marks stay as read; only a space is added.
    """
    words = name.split()
    out: list[str] = []
    changed = False
    for index, word in enumerate(words):
        if is_syllable(word):
            out.append(word)
            continue
        first = place_of(index, len(words))
        places = ("surname", "middle") if first == "surname" else ("middle", "given")
        if first == "given" and len(words) == 1:
            places = ("surname", "given")
        cuts = [
            (word[:i], word[i:])
            for i in range(1, len(word))
            if is_known(word[:i], places[0]) and is_known(word[i:], places[1])
        ]
        if len(cuts) != 1:
            return None
        out.extend(cuts[0])
        changed = True
    return " ".join(out) if changed else None
