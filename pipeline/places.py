"""Vietnam's administrative units, to doubt a place that was read with a wrong mark.

A place field ("Xã Kiêu Kỵ, huyện Gia Lâm, thành phố Hà Nội") fails the way names do: OCR drops
or swaps a mark (Kiêu Ky, Hoäng Hóa) and the text still looks right. Ward, district and province
names come from the dataset bundled in the ``vietnamadminunits`` package (MIT; the 63-province
units as they stood before the 2025 merger and the 34-province units after it), read from its
SQLite file without importing the package, whose parser pulls in shapely. A part of an address
whose letters are a known unit's but whose marks are not is doubted; a part no list knows (a
hamlet, a street) is only checked for letters Vietnamese does not have.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import unicodedata
from functools import cache
from pathlib import Path

from pipeline.names import fold_marks
from pipeline.syllables import is_syllable, split_tone

_UNIT_TYPES = (
    "thanh pho",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "xa",
    "tp.",
    "tp",
)
"""Unit words before a name, as folded letters, longest first (read marks may be wrong)."""

_QUERIES = (
    "SELECT provinceShort, districtShort, wardShort FROM admin_units_legacy",
    "SELECT provinceShort, wardShort, NULL FROM admin_units",
)

Spelling = tuple[tuple[str, str], ...]
"""Each syllable as (letters, tone): the same for both tone placements (Hòa, Hoà)."""


def dataset_path() -> Path | None:
    """The bundled SQLite file, found without importing the package; None if not installed."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    return path if path.is_file() else None


def spelling(name: str) -> Spelling:
    return tuple(split_tone(word) for word in name.split())


def letters(name: str) -> str:
    return " ".join(fold_marks(word) for word in name.split())


@cache
def known_units() -> dict[str, frozenset[Spelling]]:
    """Unit names by their bare letters, with every spelling the dataset has for them."""
    path = dataset_path()
    if path is None:
        return {}
    table: dict[str, set[Spelling]] = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for query in _QUERIES:
            for row in db.execute(query):
                for name in row:
                    if name:
                        table.setdefault(letters(name), set()).add(spelling(name))
    return {key: frozenset(spellings) for key, spellings in table.items()}


@cache
def unit_names() -> dict[str, str]:
    """Unit names as printed, by their bare letters, where the letters name one unit only
    (Đà Nẵng for "da nang"); a tone placed either way (Hòa, Hoà) is the same spelling."""
    path = dataset_path()
    if path is None:
        return {}
    table: dict[str, dict[Spelling, str]] = {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for query in _QUERIES:
            for row in db.execute(query):
                for name in row:
                    if name:
                        text = unicodedata.normalize("NFC", name)
                        table.setdefault(letters(text), {}).setdefault(spelling(text), text)
    return {key: next(iter(s.values())) for key, s in table.items() if len(s) == 1}


@cache
def all_unit_names() -> frozenset[str]:
    """Every unit name as the dataset prints it (NFC), both before and after the 2025 merger."""
    path = dataset_path()
    if path is None:
        return frozenset()
    names: set[str] = set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for query in _QUERIES:
            for row in db.execute(query):
                names.update(unicodedata.normalize("NFC", name) for name in row if name)
    return frozenset(names)


_COUNCIL = ("uy ban nhan dan", "ubnd")
"""The body before a unit in a registration place: "Ủy ban nhân dân xã Kiêu Kỵ"."""


def _without_unit_type(part: str) -> str:
    words = part.split()
    folded = [fold_marks(word) for word in words]
    for council in _COUNCIL:
        size = len(council.split())
        if len(words) > size and " ".join(folded[:size]) == council:
            words, folded = words[size:], folded[size:]
            break
    for unit in _UNIT_TYPES:
        size = len(unit.split())
        if len(words) > size and " ".join(folded[:size]) == unit:
            return " ".join(words[size:])
    return part


@cache
def unit_words() -> frozenset[tuple[str, str]]:
    """Every word of a unit name, as spelled: Đắk, Krông, Pắc are not syllables, yet real."""
    return frozenset(word for spellings in known_units().values() for s in spellings for word in s)


def _foreign_letters(word: str) -> bool:
    """A word with a non-ASCII letter that neither a syllable nor a unit name spells (Hoäng)."""
    return (
        any(ord(c) > 127 for c in word)
        and not is_syllable(word)
        and split_tone(word) not in unit_words()
    )


def part_doubt(part: str) -> str | None:
    """Why one comma-separated part of an address may be misread, or None."""
    words = [w.strip(".") for w in part.split()]
    if any(_foreign_letters(w) for w in words if w.isalpha()):
        return "place.invalid_syllable"
    if any(c.isdigit() for c in part):
        return None  # a house number or a street: not an administrative unit
    name = unicodedata.normalize("NFC", _without_unit_type(part))
    spellings = known_units().get(letters(name))
    if spellings and spelling(name) not in spellings:
        return "place.near_miss"
    return None


def _in_case_of(read: str, printed: str) -> str:
    """``printed`` letter by letter in the case of ``read`` (same letters, NFC: one code point
    per Vietnamese letter)."""
    return "".join(
        p.upper() if r.isupper() else p.lower() for r, p in zip(read, printed, strict=True)
    )


def _restored_part(part: str) -> str:
    text = unicodedata.normalize("NFC", part.strip())
    if not text or any(c.isdigit() for c in text):
        return part  # a house number or a street: not an administrative unit
    name = _without_unit_type(text)
    printed = unit_names().get(letters(name))
    if printed is None or spelling(name) == spelling(printed) or len(printed) != len(name):
        return part
    start = part.index(part.strip())
    restored = text[: len(text) - len(name)] + _in_case_of(name, printed)
    return part[:start] + restored + part[start + len(part.strip()) :]


def restore_marks(place: str) -> str:
    """``place`` with each unit's marks put back where its letters name one unit only and the
    reading differs from that unit's spelling in marks alone (Xã Kiêu Ky → Xã Kiêu Kỵ). The
    letters are the engine's; only marks Tesseract drops on small print come from the
    gazetteer, and a name that two units share is left as read (and flagged)."""
    return ",".join(_restored_part(part) for part in place.split(","))


def doubts(place: str) -> list[str]:
    """Why a read place may be wrong: ``place.invalid_syllable``, ``place.near_miss``."""
    found = {part_doubt(part) for part in place.split(",") if part.strip()}
    return sorted(code for code in found if code is not None)


def load_gazetteer() -> None:
    """Read every table of places now: about a second and a half of CPU that a forking worker
    spends once, before its first job, instead of in every work horse that needs a place."""
    known_units()
    unit_names()
    all_unit_names()
    unit_words()
