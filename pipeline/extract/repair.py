"""Candidate readings of a digit field with Tesseract's usual confusions undone.

Letters that look like digits (``O``→0, ``l``→1, ``S``→5, …) and spaces dropped into or between
digit groups. Only *candidates*: the caller keeps one only if it then validates, and marks the
field ``repaired`` with the rule, so a repair can never make a wrong value look clean.
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


def candidates(raw: str) -> list[tuple[str, str]]:
    """(repaired text, rule) pairs to try in order; the rule goes into the field's issues."""
    found: list[tuple[str, str]] = []
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
