"""Digital signatures: what is checked on a signed PDF that comes in, and how a digitized copy
sohoa signs for its unit stands (issue #24).

Incoming: every signature of a PDF gets one verdict (``SignatureVerdict``), with the signer's
identity, stored with the result; anything but ``valid`` sends the result to review as
``signature:signature.<verdict>``. Outgoing: a confirmed result's searchable PDF is signed with
the unit's certificate (PAdES); its state (``SigningState``) is kept on the result row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.errors import SohoaError


class SignatureVerdict(StrEnum):
    """One signature's verdict, from best to worst."""

    VALID = "valid"  # intact, unchanged since, signer chains to a trust anchor, not revoked
    UNTRUSTED = "untrusted"  # intact, but no path to a configured trust anchor (unknown CA)
    EXPIRED = "expired"  # the signer's certificate was not valid when it signed
    REVOKED = "revoked"  # the signer's certificate was revoked
    MODIFIED = "modified"  # intact, but the file was changed after signing beyond form filling
    TAMPERED = "tampered"  # the signed bytes changed: the signature no longer matches
    UNVERIFIABLE = "unverifiable"  # the signature could not be read or checked at all

    @property
    def review_reason(self) -> str:
        """The review reason code (see ``pipeline.extract.decision.describe``)."""
        return f"signature:signature.{self.value}"


VERDICT_LABELS_VI: dict[SignatureVerdict, str] = {
    SignatureVerdict.VALID: "chữ ký số hợp lệ",
    SignatureVerdict.UNTRUSTED: "chữ ký số của tổ chức cấp chứng thư không được tin cậy",
    SignatureVerdict.EXPIRED: "chứng thư số của người ký đã hết hạn khi ký",
    SignatureVerdict.REVOKED: "chứng thư số của người ký đã bị thu hồi",
    SignatureVerdict.MODIFIED: "tệp đã bị sửa đổi sau khi ký",
    SignatureVerdict.TAMPERED: "nội dung đã ký bị thay đổi, chữ ký không còn toàn vẹn",
    SignatureVerdict.UNVERIFIABLE: "không kiểm tra được chữ ký số",
}


class IncomingSignature(BaseModel):
    """One signature found in an incoming PDF, as checked against the deployment's anchors."""

    field: str = ""
    verdict: SignatureVerdict
    signer: str = ""  # the certificate's subject, readable ("Common Name: …, Organization: …")
    signer_common_name: str = ""
    signer_organization: str = ""
    issuer: str = ""
    serial: str = ""  # hexadecimal
    not_valid_after: datetime | None = None
    signed_at: datetime | None = None  # as the signer's computer claimed it
    timestamped_at: datetime | None = None  # from a trusted time-stamp token, if any
    intact: bool = False
    trusted: bool = False
    revoked: bool = False
    modification: str = ""  # none, form_filling, annotations, other or "" (unknown)
    detail: str = ""  # short English technical detail

    @property
    def ok(self) -> bool:
        return self.verdict is SignatureVerdict.VALID

    @property
    def label(self) -> str:
        return VERDICT_LABELS_VI[self.verdict]


def worst(signatures: list[IncomingSignature]) -> SignatureVerdict | None:
    """The worst verdict among ``signatures`` (None when there is none)."""
    order = list(SignatureVerdict)
    return max((s.verdict for s in signatures), key=order.index, default=None)


class SigningState(StrEnum):
    """Where the digitized copy's own signature stands."""

    SIGNED = "signed"
    UNSIGNED = "unsigned"  # chưa ký: the unit has no certificate configured (not an error)
    NO_PDF = "no_pdf"  # nothing to sign: the version has no searchable PDF
    FAILED = "failed"  # tried and failed; retried later by the maintenance pass
    SIGNING = "signing"  # claimed by a process that is signing it now


SIGNING_LABELS_VI: dict[str, str] = {
    SigningState.SIGNED.value: "đã ký số",
    SigningState.UNSIGNED.value: "chưa ký",
    SigningState.NO_PDF.value: "không có bản PDF để ký",
    SigningState.FAILED.value: "ký số lỗi, sẽ thử lại",
    SigningState.SIGNING.value: "đang ký",
    "pending": "đang chờ ký",
    "not_confirmed": "chưa xác nhận (chờ kiểm tra)",
}


class SigningRecord(BaseModel):
    """What the result row keeps about its digitized copy's signature (``Result.signing``)."""

    state: SigningState
    key: str = ""  # object key of the signed PDF
    level: str = ""  # PAdES baseline level: B-B, B-T or B-LT
    signer: str = ""  # the unit certificate's subject
    certified_by: str = ""  # the staff member who confirmed the result, or "" (automatic)
    signed_at: datetime | None = None
    attempts: int = 0
    error: str = ""
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    earlier_keys: list[str] = Field(default_factory=list)  # signed copies of earlier re-signs


class SigningFailed(SohoaError):
    """Signing a digitized copy did not work (kept usable, retried later)."""

    code = "signing_failed"
    message_vi = "Không ký số được bản số hóa; hệ thống sẽ thử lại sau."
    message_en = "The digitized copy could not be signed; it will be retried."


class SigningKeyInvalid(SigningFailed):
    code = "signing_key_invalid"
    message_vi = (
        "Không mở được khóa ký số của đơn vị (sai mật khẩu, tệp hỏng hoặc thiếu thiết bị ký)."
    )
    message_en = (
        "The unit's signing key could not be opened (wrong password, bad file or missing token)."
    )
