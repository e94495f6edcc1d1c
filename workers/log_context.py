"""Which scan (or re-OCR item) a log line is about, attached to every line a job writes.

A job runs inside ``job_context(scan=…, job=…)``; `JobContextFilter` on the process's log
handlers adds `` [scan=12 job=…]`` to each record as ``%(job)s``, so a worker's interleaved
lines can be told apart and grepped by scan without every message repeating the id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s%(job)s: %(message)s"

_current: ContextVar[str] = ContextVar("sohoa_job_context", default="")


@contextmanager
def job_context(**labels: object) -> Iterator[None]:
    """Label every log line written inside the block, e.g. ``job_context(scan=12, job=id)``."""
    text = " ".join(f"{name}={value}" for name, value in labels.items() if value not in (None, ""))
    token = _current.set(f" [{text}]" if text else "")
    try:
        yield
    finally:
        _current.reset(token)


def current_labels() -> str:
    return _current.get()


class JobContextFilter(logging.Filter):
    """Sets ``record.job`` (empty outside a job) so that formats may use ``%(job)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.job = _current.get()
        return True


def install_job_context(handler: logging.Handler | None = None) -> None:
    """Attach the filter to ``handler``, or to every handler of the root logger."""
    handlers = [handler] if handler is not None else logging.getLogger().handlers
    for one in handlers:
        if not any(isinstance(f, JobContextFilter) for f in one.filters):
            one.addFilter(JobContextFilter())
