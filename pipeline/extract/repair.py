"""Candidate readings of a digit field with Tesseract's usual confusions undone.

Letters that look like digits (``O``→0, ``l``→1, ``S``→5, …), spaces dropped into or between
digit groups, and slashes read as a stroke (``12I11/1971``, ``82!2024``: Arial's and Times'
upright slash at counter resolutions). Only *candidates*: the caller keeps one only if it then
validates, and marks the field ``repaired`` with the rule, so a repair can never make a wrong
value look clean.
"""

from __future__ import annotations

import re

CONFUSIONS: dict[str, str] = {
    **dict.fromkeys("OoDQ", "0"),
    **dict.fromkeys("lIi|!", "1"),
    "Z": "2",
    **dict.fromkeys("Ss", "5"),
    "B": "8",
    **dict.fromkeys("Gb", "6"),
    **dict.fromkeys("gq", "9"),
    "T": "7",
}

SLASH_DIGIT_RULE = "repair.slash_digit"
"""A slash read as the digit 1: the one repair that cannot tell 171/2018 from 1711/2018."""

_SLASH_STROKE = re.compile(r"(?<=\d)[Il|!]{1,2}(?=[\dA-ZĐ])")
_SLASH_STROKE_AND_ONE = re.compile(r"(?<=\d)[Il|!]{1,2}1(?=\d)")
_DATE_ONES = re.compile(r"(?<!\d)(\d{2})1(\d{2})1(\d{4})(?!\d)")
# One slash read and the other taken for a 1: 13/0211984 or 13102/1984.
_DATE_ONE_OF_TWO = (
    re.compile(r"(?<!\d)(\d{2})/(\d{2})1(\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{2})1(\d{2})/(\d{4})(?!\d)"),
)
_NUMBER_ONE_YEAR = re.compile(r"(?<![\d/])(\d{1,5})1((?:19|20)\d\d)(?![\d/])")
_CHUNK = re.compile(r"[^\s/.\-:,;]+")
_DIGITISH = frozenset("0123456789") | frozenset(CONFUSIONS)


def repair_confusions(text: str) -> tuple[str, list[str]]:
    """Map look-alike letters to digits inside chunks that are mostly digits already.

    A chunk is a run between spaces and date/number separators; it is touched only if every
    character is a digit or a look-alike and at least half are real digits, so words such as
    ``Số`` or ``Nam`` are never turned into numbers.
    """
    rules: list[str] = []

    def fix(m: re.Match[str]) -> str:
        chunk = m.group(0)
        digits = sum(c.isdigit() for c in chunk)
        if digits == 0 or digits * 2 < len(chunk) or not set(chunk) <= _DIGITISH:
            return chunk
        for c in chunk:
            if c in CONFUSIONS:
                rule = f"{c}>{CONFUSIONS[c]}"
                if rule not in rules:
                    rules.append(rule)
        return "".join(CONFUSIONS.get(c, c) for c in chunk)

    return _CHUNK.sub(fix, text), rules


def repair_spaces(text: str) -> str:
    """Join digit groups split by spaces: ``001 095 012345`` → ``001095012345``."""
    return re.sub(r"(?<=\d)\s+(?=\d)", "", text)


def repair_slashes(text: str) -> list[tuple[str, str]]:
    """Readings with a slash put back where a stroke or a ``1`` stood between digit groups.

    Plain strokes first (``12I11/1971`` → ``12/11/1971``); a stroke read as ``I1``, or a bare
    ``1`` in a date or a number/year, only after (those carry `SLASH_DIGIT_RULE`).
    """
    found: list[tuple[str, str]] = []
    stroked = _SLASH_STROKE.sub("/", text)
    if stroked != text:
        found.append((stroked, "repair.slash"))
    both = _SLASH_STROKE.sub("/", _SLASH_STROKE_AND_ONE.sub("/", text))
    if both not in (text, stroked):
        found.append((both, SLASH_DIGIT_RULE))
    patterns = ((_DATE_ONES, r"\1/\2/\3"), *((rx, r"\1/\2/\3") for rx in _DATE_ONE_OF_TWO))
    for rx, slashed in (*patterns, (_NUMBER_ONE_YEAR, r"\1/\2")):
        fixed = rx.sub(slashed, text, count=1)
        if fixed != text:
            found.append((fixed, SLASH_DIGIT_RULE))
    return found


def candidates(raw: str) -> list[tuple[str, str]]:
    """(repaired text, rule) pairs to try in order; the rule goes into the field's issues."""
    found: list[tuple[str, str]] = repair_slashes(raw)
    spaced = repair_spaces(raw)
    if spaced != raw:
        found.append((spaced, "repair.spaces"))
    fixed, rules = repair_confusions(raw)
    if rules:
        rule = "repair.confusion:" + ",".join(rules)
        found.append((fixed, rule))
        both = repair_spaces(fixed)
        if both != fixed:
            found.append((both, rule + "+spaces"))
    return found


DOUBLED_LETTER_RULE = "repair.doubled_letter"


def undoubled_series(raw: str) -> list[tuple[str, str]]:
    """``BĐĐ 184586`` → ``BĐ 184586``: a capital of the series read twice, dropped once."""
    match = re.search(r"([A-ZĐ])\1(?=\s*\d)", raw)
    if match is None:
        return []
    return [(raw[: match.start()] + match.group(1) + raw[match.end() :], DOUBLED_LETTER_RULE)]
