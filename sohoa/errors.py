"""The one mapping from sohoa errors to process exit codes (the CLI edge)."""

from __future__ import annotations

from schemas.errors import InputRejected, SohoaError, ToolMissing, TransientError

EXIT_INPUT_REJECTED = 2
EXIT_TOOL_MISSING = 3
EXIT_TEMPORARY = 75  # EX_TEMPFAIL: try again later


def exit_code(error: SohoaError) -> int:
    if isinstance(error, InputRejected):
        return EXIT_INPUT_REJECTED
    if isinstance(error, ToolMissing):
        return EXIT_TOOL_MISSING
    if isinstance(error, TransientError):
        return EXIT_TEMPORARY
    return 1


# ``sohoa verify FILE``: 0 only when every signature is intact, unchanged since and chains to a
# trusted anchor; otherwise the worst finding decides (2: not a readable PDF, as above).
EXIT_SIGNATURE_UNTRUSTED = 4  # intact, but no path to a configured trust anchor (unknown CA)
EXIT_SIGNATURE_INVALID_CERT = 5  # the signer's certificate was expired or revoked
EXIT_SIGNATURE_BROKEN = 6  # tampered, modified after signing, or not checkable at all
EXIT_NOT_SIGNED = 7  # the PDF carries no signature
