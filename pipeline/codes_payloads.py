"""What the QR codes found on a page say, as typed values.

Three kinds of payload are understood:

* ``CccdQr`` — the 2021 chip card (CCCD), read in `pipeline.extract.card_qr`.
* ``OneStopQr`` — printed by a one-stop system on what it issues. There is no national format, so
  the accepted layouts are a table (`ONE_STOP_LAYOUTS`); sohoa's own, to be printed by systems
  that integrate with it, is ``MOTCUA|<dossier code>|<procedure code>|<applicant id>|<KQ or TP>``
  (KQ: kết quả giải quyết, an issued result; TP: thành phần hồ sơ, a submitted component).
  Key/value text (``MaHoSo=…;MaTTHC=…;SoDinhDanh=…;Loai=KQ``) and look-up URLs carrying the same
  keys in their query string (``https://…/tra-cuu?maHoSo=…``) are accepted too.
* ``SeparatorQr`` — sohoa's separator sheet (`sohoa separator`):
  ``SOHOA-SEP|v1|<dossier code>|<component>|<procedure code>|<TP or KQ>``.

Anything else is ignored. Dossier codes must parse (`parse_dossier_code`): a code that does not
is never guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel

from pipeline.extract.card_qr import CccdQr, parse_cccd
from schemas.dossiers import DigitizationKind, DossierContext, parse_dossier_code
from schemas.ocr import DecodedCode

KIND_CODES: dict[str, DigitizationKind] = {
    "TP": DigitizationKind.COMPONENT,
    "KQ": DigitizationKind.RESULT,
}
RESULT_COMPONENT = "Kết quả giải quyết"


def kind_code(kind: DigitizationKind) -> str:
    return next(code for code, k in KIND_CODES.items() if k is kind)


def _dossier_code(raw: str) -> str | None:
    try:
        parse_dossier_code(raw)
    except ValueError:
        return None
    return raw.strip()


# --- One-stop system ------------------------------------------------------------------------


class OneStopQr(BaseModel):
    """Dossier context printed by a one-stop system; ``kind`` None when the code does not say."""

    dossier_code: str
    procedure_code: str = ""
    applicant_id: str = ""
    kind: DigitizationKind | None = None
    layout: str

    @property
    def is_result(self) -> bool:
        return self.kind is DigitizationKind.RESULT

    def context(self) -> DossierContext:
        context = DossierContext(
            dossier_code=self.dossier_code,
            procedure_code=self.procedure_code,
            kind=self.kind or DigitizationKind.COMPONENT,
        )
        if self.is_result:
            context.component = RESULT_COMPONENT
        return context


_PIPE = re.compile(
    r"MOTCUA\|(?P<dossier>[^|]+)\|(?P<procedure>[^|]*)\|(?P<applicant>\d*)\|(?P<kind>KQ|TP)\|?",
    re.IGNORECASE,
)
_KEYS: dict[str, tuple[str, ...]] = {
    "dossier": ("mahoso", "ma_ho_so", "hoso", "madossier", "dossiercode"),
    "procedure": ("mathutuc", "ma_thu_tuc", "matthc", "thutuc", "procedurecode"),
    "applicant": ("sodinhdanh", "so_dinh_danh", "cccd", "madinhdanh", "applicantid"),
    "kind": ("loai", "loaigiayto", "kind"),
}


def _from_pipe(text: str) -> dict[str, str] | None:
    match = _PIPE.fullmatch(text.strip())
    return match.groupdict() if match else None


def _keyed(pairs: Iterable[tuple[str, str]]) -> dict[str, str] | None:
    """Known keys (case and ``_`` insensitive) to our names; None without a dossier code."""
    aliases = {a.replace("_", ""): name for name, keys in _KEYS.items() for a in keys}
    found: dict[str, str] = {}
    for key, value in pairs:
        name = aliases.get(key.strip().lower().replace("_", ""))
        if name and name not in found:
            found[name] = value.strip()
    return found if found.get("dossier") else None


def _from_key_values(text: str) -> dict[str, str] | None:
    if "=" not in text or "://" in text:
        return None
    pairs = [item.partition("=")[::2] for item in re.split(r"[;&\n]", text) if "=" in item]
    return _keyed(pairs)


def _from_url(text: str) -> dict[str, str] | None:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.query:
        return None
    return _keyed(parse_qsl(parts.query))


ONE_STOP_LAYOUTS: tuple[tuple[str, Callable[[str], dict[str, str] | None]], ...] = (
    ("motcua-pipe", _from_pipe),
    ("key-value", _from_key_values),
    ("lookup-url", _from_url),
)
"""Accepted one-stop layouts, tried in order: (name, text → raw parts or None)."""


def parse_one_stop(text: str) -> OneStopQr | None:
    for name, layout in ONE_STOP_LAYOUTS:
        raw = layout(text)
        if raw is None:
            continue
        code = _dossier_code(raw.get("dossier", ""))
        if code is None:
            return None
        applicant = raw.get("applicant", "")
        return OneStopQr(
            dossier_code=code,
            procedure_code=raw.get("procedure", ""),
            applicant_id=applicant if applicant.isdigit() else "",
            kind=KIND_CODES.get(raw.get("kind", "").strip().upper()),
            layout=name,
        )
    return None


# --- Separator sheets -----------------------------------------------------------------------

SEPARATOR_PREFIX = "SOHOA-SEP"
SEPARATOR_VERSION = "v1"


class SeparatorQr(BaseModel):
    """A sohoa separator sheet: the pages after it, up to the next one, are one component."""

    dossier_code: str
    component: str
    procedure_code: str = ""
    kind: DigitizationKind = DigitizationKind.COMPONENT

    def payload(self) -> str:
        """The text printed in the sheet's QR code."""
        for value in (self.dossier_code, self.component, self.procedure_code):
            if "|" in value:
                raise ValueError(f"dấu '|' không được dùng trong thông tin tờ phân cách: {value!r}")
        return "|".join(
            (
                SEPARATOR_PREFIX,
                SEPARATOR_VERSION,
                self.dossier_code,
                self.component,
                self.procedure_code,
                kind_code(self.kind),
            )
        )

    def context(self, base: DossierContext | None = None) -> DossierContext:
        """The component's context; unit and field come from ``base`` of the same dossier."""
        same = base if base is not None and base.dossier_code == self.dossier_code else None
        return DossierContext(
            dossier_code=self.dossier_code,
            component=self.component,
            procedure_code=self.procedure_code,
            kind=self.kind,
            field=same.field if same else "",
            unit_code=same.unit_code if same else "",
        )


def parse_separator(text: str) -> SeparatorQr | None:
    parts = [unicodedata.normalize("NFC", p).strip() for p in text.strip().split("|")]
    if len(parts) != 6 or parts[0] != SEPARATOR_PREFIX or parts[1] != SEPARATOR_VERSION:
        return None
    code, component, procedure, kind = _dossier_code(parts[2]), parts[3], parts[4], parts[5]
    if code is None or not component or kind.upper() not in KIND_CODES:
        return None
    return SeparatorQr(
        dossier_code=code,
        component=component,
        procedure_code=procedure,
        kind=KIND_CODES[kind.upper()],
    )


# --- All together -----------------------------------------------------------------------------

Payload = CccdQr | OneStopQr | SeparatorQr


def parse_payload(text: str, today: date | None = None) -> Payload | None:
    """The first kind of payload ``text`` reads as, or None."""
    return parse_separator(text) or parse_cccd(text, today) or parse_one_stop(text)


def payloads(codes: Iterable[DecodedCode], today: date | None = None) -> list[Payload]:
    return [p for code in codes if (p := parse_payload(code.text, today)) is not None]


def separator_of(codes: Iterable[DecodedCode]) -> SeparatorQr | None:
    return next((p for p in payloads(codes) if isinstance(p, SeparatorQr)), None)


def context_from_codes(codes: Iterable[DecodedCode]) -> DossierContext | None:
    """Dossier context from a one-stop code on the paper, for scans that came without one."""
    found = next((p for p in payloads(codes) if isinstance(p, OneStopQr)), None)
    return found.context() if found else None
