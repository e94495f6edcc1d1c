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
