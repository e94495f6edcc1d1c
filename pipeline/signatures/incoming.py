"""The intake's signature check: a PDF that carries signatures has each one verified, and any
verdict but ``valid`` sends the result to review with its reason."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pipeline.signatures.trust import anchors_in
from pipeline.signatures.verify import signature_count, verify_pdf
from schemas.documents import MediaType, SourceFile
from schemas.settings import Settings
from schemas.signatures import IncomingSignature

log = logging.getLogger(__name__)


def check_signatures(path: Path, source: SourceFile, settings: Settings) -> list[IncomingSignature]:
    """The verified signatures of an incoming PDF; [] for anything unsigned (or not a PDF)."""
    if not settings.signing.verify_incoming or source.media_type is not MediaType.PDF:
        return []
    if signature_count(path) == 0:
        return []
    start = time.perf_counter()
    anchors = anchors_in(settings.signing.trust_dir)
    found = verify_pdf(path, anchors, fetch=settings.signing.fetch_revocation)
    log.info(
        "đã kiểm tra %d chữ ký số trong %.2f s: %s / signatures verified",
        len(found),
        time.perf_counter() - start,
        ", ".join(s.verdict.value for s in found),
    )
    return found


def review_reasons(signatures: list[IncomingSignature]) -> list[str]:
    """One review reason per kind of failed verdict, in the order found."""
    reasons: list[str] = []
    for signature in signatures:
        if not signature.ok and signature.verdict.review_reason not in reasons:
            reasons.append(signature.verdict.review_reason)
    return reasons
