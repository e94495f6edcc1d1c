"""Vietnamese text helpers shared by extraction, the index and search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Accent-insensitive key: ``Nguyễn Đức`` → ``nguyen duc`` (Đ has no decomposition)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def normalize_name(text: str) -> str:
    """Names as stored: NFC, upper case, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().upper()


def mask_id_number(value: str | None) -> str:
    """What logs may show of a personal ID number: the last three digits only."""
    if not value:
        return "-"
    return "*" * max(len(value) - 3, 0) + value[-3:]
