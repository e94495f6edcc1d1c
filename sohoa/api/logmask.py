"""A logging filter that masks anything shaped like a personal ID number before it is written.

sohoa's own messages already mask ID numbers; this is the safety net for lines other code
formats (uvicorn's access log, a library's error message quoting an input).
"""

from __future__ import annotations

import logging

from storage.index.audit import mask_ids_in

PROTECTED_LOGGERS = ("uvicorn.access", "uvicorn.error", "sohoa", "sqlalchemy.engine")


class MaskIdNumbers(logging.Filter):
    """Masks 9–12-digit runs (keeping the last 3) in the message and its string arguments.

    Arguments are masked one by one rather than merged into the message, because formatters
    such as uvicorn's access formatter unpack ``record.args`` themselves.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_ids_in(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return True


def _masked(value: object) -> object:
    return mask_ids_in(value) if isinstance(value, str) else value


def install_id_masking(names: tuple[str, ...] = PROTECTED_LOGGERS) -> None:
    """Attach the filter to the given loggers and to every handler of the root logger."""
    mask = MaskIdNumbers()
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskIdNumbers) for f in logger.filters):
            logger.addFilter(mask)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskIdNumbers) for f in handler.filters):
            handler.addFilter(mask)
