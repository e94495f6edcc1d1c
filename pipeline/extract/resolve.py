"""Choose each field's value among its candidates and attach OCR confidence and position.

A candidate read cleanly and valid beats a repaired one, which beats one that reads but fails
its checks, which beats one that does not read at all (kept so a reviewer sees what was there).
Digit fields are repaired only when the repaired value passes every check, ID numbers included
against the birth date and sex already read, so ID numbers are resolved last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from pipeline.extract import repair
from pipeline.extract.locate import RawValue
from pipeline.extract.normalize import clean_text, digits_only, normalize
from pipeline.extract.spec import DocRules, FieldSpec, Kind
from pipeline.extract.text import LineView, compact, union_box, words_confidence
from pipeline.extract.validate import id_context, id_number_issues, value_issues
from pipeline.names import split_joined
from schemas.fields import ExtractedField

REPAIR_FACTOR = 0.9
"""A repaired value is a little less certain than what OCR reported for its words."""

_DIGIT_KINDS = frozenset({Kind.DATE, Kind.ID_NUMBER, Kind.YEAR, Kind.DOC_NUMBER})

Check = Callable[[str], list[str]]

NAME_SPACE_RULE = "repair.name_space"


@dataclass
class Reading:
    """One candidate's value; rank 0 clean, 1 repaired, 2 invalid, 3 unreadable."""

    value: str
    rank: int
    issues: list[str] = field(default_factory=list)


def read(kind: Kind, raw: str, check: Check) -> Reading:
    """Read ``raw`` as ``kind``, trying repairs only when the plain reading fails."""
    value = normalize(kind, raw)
    issues = check(value) if value is not None else []
    if value is not None and not issues:
        if kind is Kind.NAME and (split := split_joined(value)) is not None:
            return Reading(split, 1, [NAME_SPACE_RULE])  # NGUYỄN GIAHOÀNG: a space lost
        return Reading(value, 0)
    candidates = repair.undoubled_series(raw) if kind is Kind.SERIAL else []
    if kind in _DIGIT_KINDS:
        candidates = repair.candidates(raw)
    for text, rule in candidates:
        fixed = normalize(kind, text)
        if fixed is not None and fixed != value and not check(fixed):
            return Reading(fixed, 1, [rule])
    if value is not None:
        return Reading(value, 2, issues)
    shown = digits_only(raw) if kind is Kind.ID_NUMBER else clean_text(raw)
    return Reading(shown or clean_text(raw), 3, [f"{kind.value}.unparsed"])


def _future_issue(kind: Kind, value: str, today: date) -> list[str]:
    if kind is Kind.DATE:
        return ["date.future"] if date.fromisoformat(value) > today else []
    if kind is Kind.YEAR:
        return ["year.future"] if int(value) > today.year else []
    return []


def _checker(
    spec: FieldSpec, rules: DocRules, fields: dict[str, ExtractedField], today: date
) -> Check:
    if spec.kind is Kind.ID_NUMBER:
        ctx = id_context(rules, spec.name, fields)
        return lambda v: id_number_issues(v, ctx, today)
    if spec.kind in (Kind.DATE, Kind.YEAR) and not spec.future_ok:
        return lambda v: _future_issue(spec.kind, v, today)
    return lambda v: value_issues(spec.kind, v)


def _to_field(
    spec: FieldSpec, raw: RawValue, reading: Reading, lines: list[LineView]
) -> ExtractedField:
    words = [w for li, s, e in raw.parts for w in lines[li].words_in(s, e)]
    confidence = words_confidence(words, mean=spec.kind in (Kind.TEXT, Kind.PLACE))
    if reading.rank == 1:
        confidence *= REPAIR_FACTOR
    return ExtractedField(
        name=spec.name,
        value=reading.value,
        raw=raw.text,
        confidence=round(confidence, 4),
        page=lines[raw.parts[0][0]].page,
        box=union_box(words),
        rule=raw.rule,
        valid=reading.rank <= 1,
        issues=list(reading.issues),
        repaired=reading.rank == 1,
    )


def resolve_field(
    spec: FieldSpec, cands: list[RawValue], lines: list[LineView], check: Check
) -> ExtractedField | None:
    """The best candidate as a field; ID numbers also flag disagreeing valid readings."""
    best: tuple[Reading, RawValue] | None = None
    good: set[str] = set()
    absent = [compact(a) for a in spec.absent]
    for raw in cands:
        if any(a in compact(raw.text) for a in absent):
            continue
        reading = read(spec.kind, raw.text, check)
        if reading.rank <= 1:
            good.add(reading.value)
        if best is None or reading.rank < best[0].rank:
            best = (reading, raw)
        if reading.rank == 0 and spec.kind is not Kind.ID_NUMBER:
            break
    if best is None:
        return None
    result = _to_field(spec, best[1], best[0], lines)
    if spec.kind is Kind.ID_NUMBER and len(good) > 1:
        result.valid = False
        result.issues.append("id_number.conflict")
    return result


def resolve_all(
    rules: DocRules, cands: dict[str, list[RawValue]], lines: list[LineView], today: date
) -> dict[str, ExtractedField]:
    """Every field that has a candidate, in the order ``rules`` declares them."""
    fields: dict[str, ExtractedField] = {}
    ordered = sorted(rules.fields, key=lambda s: s.kind is Kind.ID_NUMBER)
    for spec in ordered:
        check = _checker(spec, rules, fields, today)
        result = resolve_field(spec, cands.get(spec.name, []), lines, check)
        if result is not None:
            fields[spec.name] = result
    return {s.name: fields[s.name] for s in rules.fields if s.name in fields}
