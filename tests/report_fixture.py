"""A hand-built first quarter of 2024 whose indicator figures are worked out by hand below.

Two units, three procedures in two fields, and the edge cases: a dossier with no components,
a withdrawn one, reuse of a result that has since expired (and a refused attach of one already
expired), an attach undone by a detach, an online dossier, a dossier without a receipt date,
and dossiers received in one period and completed in the next.

D1  U1 P1 received 01-05: 2 components (1 digitized, 1 reused); result digitized, completed and
    issued electronically 01-10; citizen data used.
D2  U1 P1 01-20: 2 components, 1 digitized; result digitized, completed 02-02 on paper.
D3  U1 P1 01-25: no components.
D4  U1 P1 02-01: 1 component digitized, citizen data used, withdrawn 02-03.
D5  U1 P2 02-10: 1 component digitized; the procedure has no written result; completed 02-10;
    attaching a result expired 2023-12-31 is refused.
D6  U2 P1 03-05: online, no component rows; result digitized, completed, issued electronically
    03-06; citizen data used.
D7  U2 P3 03-15: 2 components: 1 reused from a result valid until 03-20 (attached 03-15, so it
    counts), 1 attached then detached.
D8  U2 –  no receipt date, recorded 03-20: 1 component digitized; no written result.
D9  U1 P1 2023-12-20: completed and issued electronically 2024-01-15.
D10 U1 P1 03-28: 1 component digitized; result digitized, completed, issued electronically
    2024-04-02 (after the quarter).

OCR runs: U1 01-05 (review), U1 01-10; U2 03-06, U2 03-06 re-OCR (review); earlier results 2023.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from schemas.dossiers import DossierContext
from schemas.errors import ReuseNotAllowed
from schemas.reporting import EventKind, Indicator
from storage.index.db import Index
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.events import record_digitized, record_event
from storage.index.results import save_version
from storage.index.reuse import attach_result, detach_result
from storage.index.scans import register_scan
from storage.index.tables import Dossier, Result

U1 = "000.00.20.H12"
U2 = "000.00.21.H12"
P1, P2, P3 = "1.001193", "2.000815", "1.000894"
HO_TICH, CHUNG_THUC = "Hộ tịch", "Chứng thực"
FIELDS = {P1: HO_TICH, P2: CHUNG_THUC, P3: HO_TICH, "": ""}
START, END = date(2024, 1, 1), date(2024, 3, 31)

# Hand-computed (numerator, denominator) over 2024-01-01..2024-03-31.
OVERALL = {
    Indicator.DOSSIER_DIGITIZATION: (5, 8),  # D1 D5 D6 D8 D10 of D1 D2 D3 D5 D6 D7 D8 D10
    Indicator.REUSE: (2, 7),  # D1 D7; D8 has no receipt date
    Indicator.ELECTRONIC_RESULT: (3, 4),  # D1 D9 D6 of D1 D9 D2 D6 (D5 has no written result)
    Indicator.CITIZEN_DATA: (2, 8),  # D1 D6 (D4 withdrawn)
    Indicator.COMPONENT_DIGITIZATION: (7, 9),
    Indicator.COMPONENT_REUSE: (2, 9),
    Indicator.OCR_REVIEW: (2, 4),
}
MONTHS = {  # period label -> indicator -> (numerator, denominator), all units
    "2024-01": {
        Indicator.DOSSIER_DIGITIZATION: (1, 3),
        Indicator.REUSE: (1, 3),
        Indicator.ELECTRONIC_RESULT: (2, 2),
        Indicator.CITIZEN_DATA: (1, 3),
        Indicator.COMPONENT_DIGITIZATION: (3, 4),
        Indicator.COMPONENT_REUSE: (1, 4),
        Indicator.OCR_REVIEW: (1, 2),
    },
    "2024-02": {
        Indicator.DOSSIER_DIGITIZATION: (1, 1),
        Indicator.REUSE: (0, 1),
        Indicator.ELECTRONIC_RESULT: (0, 1),  # D2, received in January
        Indicator.CITIZEN_DATA: (0, 1),
        Indicator.COMPONENT_DIGITIZATION: (1, 1),
        Indicator.COMPONENT_REUSE: (0, 1),
        Indicator.OCR_REVIEW: (0, 0),
    },
    "2024-03": {
        Indicator.DOSSIER_DIGITIZATION: (3, 4),
        Indicator.REUSE: (1, 3),
        Indicator.ELECTRONIC_RESULT: (1, 1),
        Indicator.CITIZEN_DATA: (1, 4),
        Indicator.COMPONENT_DIGITIZATION: (3, 4),
        Indicator.COMPONENT_REUSE: (1, 4),
        Indicator.OCR_REVIEW: (1, 2),
    },
}
BY_UNIT = {  # whole range
    U1: {
        Indicator.DOSSIER_DIGITIZATION: (3, 5),
        Indicator.REUSE: (1, 5),
        Indicator.ELECTRONIC_RESULT: (2, 3),
        Indicator.CITIZEN_DATA: (1, 5),
        Indicator.COMPONENT_DIGITIZATION: (5, 6),
        Indicator.COMPONENT_REUSE: (1, 6),
        Indicator.OCR_REVIEW: (1, 2),
    },
    U2: {
        Indicator.DOSSIER_DIGITIZATION: (2, 3),
        Indicator.REUSE: (1, 2),
        Indicator.ELECTRONIC_RESULT: (1, 1),
        Indicator.CITIZEN_DATA: (1, 3),
        Indicator.COMPONENT_DIGITIZATION: (2, 3),
        Indicator.COMPONENT_REUSE: (1, 3),
        Indicator.OCR_REVIEW: (1, 2),
    },
}
BY_PROCEDURE_DIGITIZATION = {P1: (3, 5), P2: (1, 1), P3: (0, 1), "": (1, 1)}
BY_FIELD_DIGITIZATION = {HO_TICH: (3, 6), CHUNG_THUC: (1, 1), "": (1, 1)}
BY_FIELD_REUSE = {HO_TICH: (2, 6), CHUNG_THUC: (0, 1), "": (0, 0)}


def _at(month: int, day: int, year: int = 2024) -> datetime:
    return datetime(year, month, day, 9, 30)


def _dossier(
    session: Session, code: str, procedure: str, channel: int = 1, issues_result: bool = True
) -> Dossier:
    context = DossierContext(dossier_code=code, procedure_code=procedure, field=FIELDS[procedure])
    dossier = ensure_dossier(session, context)
    dossier.channel = channel
    dossier.issues_result = issues_result
    return dossier


def _component(session: Session, dossier: Dossier, name: str, digitized: bool = True) -> None:
    context = DossierContext(dossier_code=dossier.code, component=name)
    component = ensure_component(session, dossier, context)
    if digitized:
        record_digitized(session, component)


def _result(
    session: Session,
    sha: str,
    unit: str,
    at: datetime,
    fields: dict[str, str] | None = None,
    needs_review: bool = False,
    version: int = 1,
) -> int:
    scan, _ = register_scan(
        session, sha256=sha * 64, filename="a.pdf", size_bytes=1, original_key=f"o/{sha}"
    )
    row = Result(
        scan_id=scan.id,
        version=version,
        doc_type="id_card",
        fields=fields or {},
        derived_prefix=f"derived/{sha}/v{version}",
        unit_code=unit,
        needs_review=needs_review,
        digitized_at=at,
    )
    return save_version(session, row).id


def _finish(session: Session, dossier: Dossier, at: datetime, electronic: bool) -> None:
    record_event(session, dossier.id, EventKind.RESULT_DIGITIZED, at)
    record_event(session, dossier.id, EventKind.COMPLETED, at)
    if electronic:
        record_event(session, dossier.id, EventKind.ELECTRONIC_RESULT_ISSUED, at)


def build_fixture(index: Index) -> None:
    """Write the quarter described in the module docstring into an empty index."""
    with index.session() as session:
        card = {"full_name": "LÊ VĂN AN", "id_number": "001090004567"}
        valid = _result(session, "a", U1, _at(6, 1, 2023), card)
        expiring = _result(session, "b", U2, _at(7, 1, 2023), {**card, "expiry_date": "2024-03-20"})
        expired = _result(session, "c", U1, _at(7, 2, 2023), {**card, "expiry_date": "2023-12-31"})
        _result(session, "d", U1, _at(1, 5), needs_review=True)
        _result(session, "e", U1, _at(1, 10))
        _result(session, "f", U2, _at(3, 6))
        _result(session, "f", U2, _at(3, 6), needs_review=True, version=2)

        d1 = _dossier(session, f"{U1}-240105-0001", P1)
        _component(session, d1, "Tờ khai")
        reuse = DossierContext(dossier_code=d1.code, component="Căn cước")
        attach_result(session, valid, reuse, "canbo1", today=date(2024, 1, 5))
        record_event(session, d1.code, EventKind.CITIZEN_DATA_USED, _at(1, 5), detail="VNeID")
        _finish(session, d1, _at(1, 10), electronic=True)

        d2 = _dossier(session, f"{U1}-240120-0002", P1)
        _component(session, d2, "Tờ khai")
        _component(session, d2, "Giấy tờ khác", digitized=False)
        _finish(session, d2, _at(2, 2), electronic=False)

        _dossier(session, f"{U1}-240125-0003", P1)

        d4 = _dossier(session, f"{U1}-240201-0004", P1)
        _component(session, d4, "Tờ khai")
        record_event(session, d4.id, EventKind.CITIZEN_DATA_USED, _at(2, 1))
        record_event(session, d4.id, EventKind.WITHDRAWN, _at(2, 3))

        d5 = _dossier(session, f"{U1}-240210-0005", P2, issues_result=False)
        _component(session, d5, "Bản chính")
        record_event(session, d5.id, EventKind.COMPLETED, _at(2, 10))
        refused = DossierContext(dossier_code=d5.code, component="Căn cước")
        try:
            attach_result(session, expired, refused, "canbo1", today=date(2024, 2, 10))
        except ReuseNotAllowed:
            pass
        else:  # pragma: no cover - the fixture depends on the refusal
            raise AssertionError("an expired result was attached")

        d6 = _dossier(session, f"{U2}-240305-0001", P1, channel=2)
        record_event(session, d6.id, EventKind.CITIZEN_DATA_USED, _at(3, 5))
        _finish(session, d6, _at(3, 6), electronic=True)

        d7 = _dossier(session, f"{U2}-240315-0002", P3)
        kept = DossierContext(dossier_code=d7.code, component="Giấy khai sinh")
        attach_result(session, expiring, kept, "canbo2", today=date(2024, 3, 15))
        undone = DossierContext(dossier_code=d7.code, component="Căn cước")
        event = attach_result(session, valid, undone, "canbo2", today=date(2024, 3, 15))
        detach_result(session, event.component_id, "canbo2")

        d8 = Dossier(  # e.g. imported from another system without its receipt date
            code=f"{U2}-240320-0008",
            unit_code=U2,
            received_on=None,
            created_at=_at(3, 20),
            issues_result=False,
        )
        session.add(d8)
        session.flush()
        _component(session, d8, "Tờ khai")

        d9 = _dossier(session, f"{U1}-231220-0009", P1)
        _finish(session, d9, _at(1, 15), electronic=True)

        d10 = _dossier(session, f"{U1}-240328-0010", P1)
        _component(session, d10, "Tờ khai")
        _finish(session, d10, _at(4, 2), electronic=True)
