"""The copy block of a certified copy: what kind of copy, which body made it, and when.

A paper handed in at the counter is often a copy: "SAO Y" (or "SAO Y BẢN CHÍNH", "SAO LỤC",
"TRÍCH SAO") stamped by the body that copied it, electronically ("SAO Y / Ủy ban nhân dân thành
phố Đà Nẵng / Thời gian ký: 19/10/2023 10:56:22 +07:00") or in a block under the document
(copying body and "Số: 12/SY-UBND" left, "SAO Y" and the place and date right), or a commune's
certification "Chứng thực bản sao đúng với bản chính". The copy's fields sit beside the original
document's own (``copy_kind``, ``copy_body``, ``copy_date``); they name no citizen.
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.extract.match import edit_distance, find, phrase
from pipeline.extract.official_words import restore_marks
from pipeline.extract.text import LineView, fold, union_box, words_confidence
from schemas.fields import ExtractedField

STAMPS = {
    "saoy": "Sao y",
    "saoybanchinh": "Sao y",
    "saoluc": "Sao lục",
    "trichsao": "Trích sao",
}
CERTIFIED = phrase("Chứng thực bản sao đúng với bản chính")
CERTIFIED_KIND = "Chứng thực bản sao"
NEARBY = 4  # the body and the date are within this many lines of the stamp
_BODY_WORDS = ("uy ban nhan dan", "ubnd", "van phong", "cong an", "tong cuc")
_MARKED_BODY_WORDS = ("SỞ ", "Sở ", "PHÒNG ", "Phòng ")  # by their marks: "Số chứng thực" is none
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_WRITTEN_DATE = re.compile(
    r"ngay\W{0,3}(\d{1,2})\W{0,3}thang\W{0,3}(\d{1,2})\W{0,3}nam\W{0,3}(\d{4})"
)


def _stamp_kind(line: LineView) -> str | None:
    for key, kind in STAMPS.items():
        if edit_distance(line.compact, key) <= (0 if len(key) <= 4 else 1):
            return kind
    if find(line, CERTIFIED):
        return CERTIFIED_KIND
    return None


def stamp_index(lines: list[LineView]) -> int | None:
    """Where the copy stamp is, or None for an original."""
    return next((i for i, line in enumerate(lines) if _stamp_kind(line)), None)


def _field(name: str, value: str, line: LineView) -> ExtractedField:
    return ExtractedField(
        name=name,
        value=value,
        raw=line.text,
        confidence=round(words_confidence(line.words, mean=True), 4),
        page=line.page,
        box=union_box(line.words),
        rule="certified_copy",
    )


def _names_body(line: LineView) -> bool:
    folded = fold(line.text).strip(" -.")
    text = line.text.strip(" -.")
    return len(line.words) >= 2 and (
        folded.startswith(_BODY_WORDS) or text.startswith(_MARKED_BODY_WORDS)
    )


def _council(line: LineView) -> bool:
    """A council's name alone on its line, its unit on the next (ỦY BAN NHÂN DÂN / XÃ …)."""
    return line.compact in ("uybannhandan", "hoidongnhandan")


def _date_in(line: LineView) -> str | None:
    for pattern in (_WRITTEN_DATE, _NUMERIC_DATE):
        match = pattern.search(line.folded)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return None
    return None


def copy_fields(lines: list[LineView]) -> dict[str, ExtractedField]:
    """``copy_kind``, ``copy_body`` and ``copy_date`` when the document carries a copy stamp."""
    at = stamp_index(lines)
    if at is None:
        return {}
    stamp = lines[at]
    kind = _stamp_kind(stamp)
    assert kind is not None
    fields = {"copy_kind": _field("copy_kind", kind, stamp)}
    after = [line for line in lines[at + 1 : at + 1 + NEARBY] if line.page == stamp.page]
    before = [line for line in lines[max(0, at - 2 * NEARBY) : at] if line.page == stamp.page]
    body = next((line for line in after if _names_body(line)), None)
    body = body or next((line for line in reversed(before) if _names_body(line)), None)
    if body is not None:
        text = body.text.strip(" -.,:;")
        below = lines[lines.index(body) + 1] if body is not lines[-1] else None
        council = _council(body)
        if council and below is not None and below.text.isupper() and below is not stamp:
            text = f"{text} {below.text.strip(' -.,:;')}"  # ỦY BAN NHÂN DÂN / XÃ …
        text = restore_marks(text, capitals_only=False)
        fields["copy_body"] = _field("copy_body", text, body)
    for line in after:
        when = _date_in(line)
        if when is not None:
            fields["copy_date"] = _field("copy_date", when, line)
            break
    return fields
