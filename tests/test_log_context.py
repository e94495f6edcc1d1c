"""Every line a job writes says which scan it is about, without the message repeating it."""

from __future__ import annotations

import io
import logging

from workers.log_context import LOG_FORMAT, install_job_context, job_context


def test_lines_inside_a_job_carry_its_scan_and_lines_outside_do_not() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    install_job_context(handler)
    logger = logging.getLogger("workers.test_log_context")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        with job_context(scan=12, job="sohoa-intake-scan-12"):
            logger.info("page read")
            with job_context(reocr_item=3):
                logger.info("inner")
            logger.info("back")
        logger.info("idle")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith(
        "workers.test_log_context [scan=12 job=sohoa-intake-scan-12]: page read"
    )
    assert lines[1].endswith("[reocr_item=3]: inner")
    assert lines[2].endswith("[scan=12 job=sohoa-intake-scan-12]: back")
    assert lines[3].endswith("workers.test_log_context: idle")
