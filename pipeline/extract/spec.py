"""The vocabulary rule modules use to describe a document type as data.

A document type is a `DocRules`: its fields (labels, value kind, required, section), the labels
that merely end a value (stops), the sections a person's block opens, how its title reads (for
classification) and which cross-checks apply. The engine in `locate`/`resolve`/`validate` reads
only this, so adding a type never touches the engine or the other types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from schemas.fields import DocType, ExtractedField
from schemas.ocr import OcrDocument

if TYPE_CHECKING:
    from pipeline.extract.text import LineView

Reader = Callable[[OcrDocument, "list[LineView]"], tuple[dict[str, ExtractedField], list[str]]]
"""Reads a type's fields from its layout where labels do not say where they are (Decree 30
documents); also returns review reasons no field can carry."""

MAIN = "main"
"""The section every document starts in."""


class Kind(StrEnum):
    """How a value is parsed, normalised, repaired and validated."""

    NAME = "name"
    DATE = "date"
    ID_NUMBER = "id_number"
    SEX = "sex"
    YEAR = "year"
    TEXT = "text"
    PLACE = "place"  # text naming wards, districts, provinces: its marks are checked
    DOC_NUMBER = "doc_number"
    SERIAL = "serial"  # a blank's series and number: two capitals and six to eight digits


@dataclass(frozen=True)
class Label:
    """A label with matching constraints; a plain string is a label without any.

    ``anchored``: only at the start of a line (short labels such as ``Số`` would otherwise fire
    inside addresses). ``weak``: counts as a label only when the text after it is a plausible
    value for the field, so ``Số 12 ngõ 34`` on an address line stays a value.
    """

    text: str
    anchored: bool = False
    weak: bool = False


LabelLike = str | Label


def as_label(label: LabelLike) -> Label:
    return label if isinstance(label, Label) else Label(label)


@dataclass(frozen=True)
class FieldSpec:
    """One field: where to find it and what its value looks like.

    ``section`` None means anywhere; otherwise the label only counts inside that section
    (husband vs wife, child vs mother). ``patterns`` are regexes over accent-folded, lower-cased
    line text used only when no label was found (e.g. the signature line
    "Hà Nội, ngày 15 tháng 3 năm 2024"); ``pick_last`` takes the last such line. ``absent``
    are printed values meaning "none" (``Không thời hạn``): the field is then left out.
    """

    name: str
    kind: Kind
    labels: tuple[LabelLike, ...] = ()
    required: bool = False
    # Some editions of the form print no line for it: then its absence is no review reason.
    may_be_unprinted: bool = False
    section: str | None = None
    next_line: bool = True
    max_lines: int = 1
    patterns: tuple[str, ...] = ()
    pick_last: bool = False
    future_ok: bool = False
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A block of a document (a person) that starts at any of ``starts``."""

    name: str
    starts: tuple[LabelLike, ...]


@dataclass(frozen=True)
class IdCheck:
    """Cross-check an ID number against the holder's birth date/year and sex.

    ``sex`` fixes the sex when the document implies it (husband, wife).
    """

    id_field: str
    birth_field: str | None = None
    sex_field: str | None = None
    sex: str | None = None


@dataclass(frozen=True)
class DocRules:
    """Everything the engine knows about one document type."""

    doc_type: DocType
    fields: tuple[FieldSpec, ...]
    titles: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    stops: tuple[LabelLike, ...] = ()
    sections: tuple[Section, ...] = ()
    id_checks: tuple[IdCheck, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()
    allow_cmnd: bool = False
    reader: Reader | None = None  # the layout reader, instead of locating labels

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


WRITTEN_DATE = r"ng\w{1,3}\W{0,3}\d{1,2}\W{0,3}th\w{2,4}\W{0,3}\d{1,2}\W{0,3}n\w{1,3}\W{0,3}\d{4}"
"""A date written out on folded text, "ngày 15 tháng 3 năm 2024", for label-less fields."""
