"""Turn the raw text after a label into the value form of shared/fields.md, or None.

Each normaliser reads the value the way it is printed and ignores trailing noise; none of them
guesses at misread characters (that is `repair`'s job, and only where the result validates).
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.extract.spec import Kind
from pipeline.extract.text import fold, nfc
from pipeline.places import restore_marks

MIN_YEAR = 1880
MAX_YEAR = 2200

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_WRITTEN_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\W{0,3}th[a-z]{2,4}\W{0,3}(\d{1,2})\W{0,3}n[a-z]{1,3}\W{0,3}(\d{4})(?!\d)"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DIGITS = re.compile(r"[0-9]+")
_EDGE_PUNCT = " \t:;,.|/\\-–—_~*•·'\"`()[]{}<>!?"
_NAME_DROP = re.compile(r"[^\w\s'’]|_")
_NAME_TAIL_NOISE = frozenset({"I", "L", "J"})
_RULE_MARKS = frozenset("|¦_~•·")


def clean_text(raw: str) -> str:
    """NFC, single spaces, no stray punctuation at either end."""
    return re.sub(r"\s+", " ", nfc(raw)).strip(_EDGE_PUNCT)


def normalize_text(raw: str) -> str | None:
    """Free text as printed, minus stray rule marks (``quận Hoàn | Kiếm``)."""
    value = clean_text(" ".join(t for t in raw.split() if not set(t) <= _RULE_MARKS))
    return value if any(c.isalnum() for c in value) else None


def normalize_place(raw: str) -> str | None:
    """Text naming wards, districts and provinces, their marks checked against the gazetteer."""
    value = normalize_text(raw)
    return restore_marks(value) if value is not None else None


def normalize_name(raw: str) -> str | None:
    """``Nguyễn  văn An.`` → ``NGUYỄN VĂN AN``; None when no word of two letters is left.

    Words without letters (stray numbers) are dropped, but a digit inside a word is kept for
    validation to reject: ``NGUY3N`` must not quietly become ``NGUY N``.
    """
    tokens = [t.strip("'’") for t in _NAME_DROP.sub(" ", nfc(raw)).split()]
    tokens = [t for t in tokens if any(c.isalpha() for c in t)]
    while len(tokens) > 1 and len(tokens[-1]) == 1 and tokens[-1].upper() in _NAME_TAIL_NOISE:
        tokens.pop()  # a table rule or box edge read as a letter
    if not tokens or max(len(t) for t in tokens) < 2:
        return None
    return " ".join(tokens).upper()


def parse_date(raw: str) -> date | None:
    """The first date, written as dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, ddmmyyyy or
    "ngày 12 tháng 3 năm 2024" (folded, so diacritic errors do not matter)."""
    text = fold(raw)
    found = [m for rx in (_NUMERIC_DATE, _WRITTEN_DATE) if (m := rx.search(text))]
    if not found:
        found = [m for m in [_COMPACT_DATE.search(text)] if m]
    if not found:
        return None
    day, month, year = (int(g) for g in min(found, key=lambda m: m.start()).groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None  # the first date is misread: not silently replaced by a later one


def normalize_date(raw: str) -> str | None:
    parsed = parse_date(raw)
    return parsed.isoformat() if parsed else None


def normalize_sex(raw: str) -> str | None:
    """``Nam``/``NAM``/``Male`` → ``Nam``; ``Nữ``/``Nu``/``NỮ``/``Female`` → ``Nữ``."""
    words = re.findall(r"[a-z]+", fold(raw))
    if words in (["m"], ["f"]):
        return "Nam" if words == ["m"] else "Nữ"
    for word in words:  # the first known word: noise may precede it
        if word in ("nam", "male"):
            return "Nam"
        if word == "female" or re.fullmatch("nu+", word):  # NữỮ: a doubled letter, still Nữ
            return "Nữ"
    return None


def normalize_year(raw: str) -> str | None:
    for m in _YEAR.finditer(raw):
        if MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
            return m.group(1)
    return None


def normalize_id_number(raw: str) -> str | None:
    """The first whitespace-separated token that is all digits once edge punctuation is gone."""
    for token in raw.split():
        core = token.strip(_EDGE_PUNCT)
        if core and _DIGITS.fullmatch(core):
            return core
    return None


def normalize_doc_number(raw: str) -> str | None:
    """``125 / 2024`` → ``125/2024``; ``88/XNTTHN`` kept; must start with a digit."""
    text = re.sub(r"\s*/\s*", "/", nfc(raw).strip())
    tokens = text.split()
    if not tokens:
        return None
    value = tokens[0].strip(_EDGE_PUNCT.replace("/", "").replace("-", ""))
    value = value.rstrip("/-")
    return value if value[:1].isdigit() else None


_SERIAL = re.compile(r"([A-ZĐ]{1,4})\s*(\d{6,8})(?!\d)")


def normalize_serial(raw: str) -> str | None:
    """``BĐ123456`` → ``BĐ 123456``: the series' capitals as read, a space, the digits."""
    match = _SERIAL.search(nfc(raw))
    return f"{match.group(1)} {match.group(2)}" if match else None


def digits_only(raw: str) -> str:
    return "".join(_DIGITS.findall(raw))


NORMALIZERS = {
    Kind.NAME: normalize_name,
    Kind.DATE: normalize_date,
    Kind.ID_NUMBER: normalize_id_number,
    Kind.SEX: normalize_sex,
    Kind.YEAR: normalize_year,
    Kind.TEXT: normalize_text,
    Kind.PLACE: normalize_place,
    Kind.DOC_NUMBER: normalize_doc_number,
    Kind.SERIAL: normalize_serial,
}


def normalize(kind: Kind, raw: str) -> str | None:
    """The value of ``raw`` read as ``kind``, or None when it does not read as one."""
    return NORMALIZERS[kind](raw)
