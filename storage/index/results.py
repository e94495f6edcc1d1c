"""Saving digitized results (versioned) and finding them again for reuse."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from schemas.fields import CrossCheck, DocType
from schemas.records import DigitizedResult
from schemas.vietnamese import fold
from storage.index.tables import Result, ResultPerson

# Which fields name the people a document is about, per role.
PEOPLE_FIELDS: dict[str, tuple[str, str, str]] = {
    "owner": ("id_number", "full_name", "date_of_birth"),
    "husband": ("husband_id_number", "husband_name", "husband_date_of_birth"),
    "wife": ("wife_id_number", "wife_name", "wife_date_of_birth"),
    "mother": ("", "mother_name", ""),
    "father": ("", "father_name", ""),
    "holder": ("holder_id_number", "holder_name", ""),
    "co_holder": ("co_holder_id_number", "co_holder_name", ""),
    "business_owner": ("owner_id_number", "owner_name", ""),
    "household_head": ("", "household_head", ""),
}
DOCUMENT_NUMBER_FIELDS = (
    "registration_number",
    "document_number",
    "certificate_serial",
    "id_number",
)
VALID_UNTIL_FIELDS = ("expiry_date", "valid_until")


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def people_of(fields: dict[str, str]) -> list[ResultPerson]:
    people = []
    for role, (id_key, name_key, dob_key) in PEOPLE_FIELDS.items():
        id_number = fields.get(id_key) if id_key else None
        name = fields.get(name_key)
        if not id_number and not name:
            continue
        people.append(
            ResultPerson(
                role=role,
                id_number=id_number or None,
                name=name,
                name_key=fold(name) if name else None,
                date_of_birth=parse_iso(fields.get(dob_key)) if dob_key else None,
            )
        )
    return people


def primary_person(people: list[ResultPerson]) -> ResultPerson | None:
    for person in people:
        if person.role in ("owner", "husband", "holder", "business_owner"):
            return person
    return people[0] if people else None


def save_version(session: Session, result: Result, *, make_current: bool = True) -> Result:
    """Add a result version (in the caller's transaction), by default as the scan's current one.

    With ``make_current=False`` (a re-OCR that came out worse) the version is only kept for the
    record: it and its people are not current, and the current version is left as it is.
    """
    if make_current:
        session.execute(
            update(Result).where(Result.scan_id == result.scan_id).values(is_current=False)
        )
        old_ids = select(Result.id).where(Result.scan_id == result.scan_id)
        session.execute(
            update(ResultPerson).where(ResultPerson.result_id.in_(old_ids)).values(is_current=False)
        )
    people = people_of(result.fields)
    owner = primary_person(people)
    if owner is not None:
        result.owner_id_number = owner.id_number
        result.owner_name = owner.name
        result.owner_date_of_birth = owner.date_of_birth
    result.document_number = next(
        (result.fields[k] for k in DOCUMENT_NUMBER_FIELDS if result.fields.get(k)), None
    )
    result.issue_date = parse_iso(
        result.fields.get("issue_date") or result.fields.get("registration_date")
    )
    result.valid_until = next(
        (parse_iso(result.fields[k]) for k in VALID_UNTIL_FIELDS if result.fields.get(k)), None
    )
    result.is_current = make_current
    session.add(result)
    session.flush()
    for person in people:
        person.result_id = result.id
        person.is_current = make_current
        session.add(person)
    session.flush()
    return result


def next_version(session: Session, scan_id: int) -> int:
    """The highest stored version + 1: re-OCR may keep a non-current version above the current
    one, and a retry after a crash before the commit gets the same number again."""
    latest = session.scalar(select(func.max(Result.version)).where(Result.scan_id == scan_id))
    return (latest or 0) + 1


def to_record(row: Result) -> DigitizedResult:
    return DigitizedResult(
        id=row.id,
        scan_sha256=row.derived_prefix.split("/")[1] if row.derived_prefix.count("/") >= 2 else "",
        doc_type=DocType(row.doc_type),
        owner_id_number=row.owner_id_number,
        owner_name=row.owner_name,
        owner_date_of_birth=row.owner_date_of_birth,
        document_number=row.document_number,
        issue_date=row.issue_date,
        valid_until=row.valid_until,
        fields=dict(row.fields or {}),
        needs_review=row.needs_review,
        review_reasons=list(row.review_reasons or []),
        cross_checks=[CrossCheck.model_validate(check) for check in row.cross_checks or []],
        unit_code=row.unit_code,
        dossier_code=row.dossier_code,
        procedure_code=row.procedure_code,
        field=row.field,
        version=row.version,
        digitized_at=row.digitized_at,
        mean_confidence=row.mean_confidence,
    )


def _current_people_results(session: Session, *conditions: object) -> list[DigitizedResult]:
    ids = select(ResultPerson.result_id).where(ResultPerson.is_current.is_(True), *conditions)  # type: ignore[arg-type]
    rows = session.scalars(
        select(Result)
        .where(Result.id.in_(ids), Result.is_current.is_(True))
        .order_by(Result.id.desc())
    )
    return [to_record(row) for row in rows]


def find_by_id_number(session: Session, id_number: str) -> list[DigitizedResult]:
    return _current_people_results(session, ResultPerson.id_number == id_number)


def find_by_name_and_birth(session: Session, name: str, born: date) -> list[DigitizedResult]:
    return _current_people_results(
        session, ResultPerson.name_key == fold(name), ResultPerson.date_of_birth == born
    )


def find_by_document_number(session: Session, number: str) -> list[DigitizedResult]:
    rows = session.scalars(
        select(Result)
        .where(Result.document_number == number.strip(), Result.is_current.is_(True))
        .order_by(Result.id.desc())
    )
    return [to_record(row) for row in rows]


def get_current(session: Session, result_id: int) -> Result | None:
    return session.get(Result, result_id)
