"""The demo ends with the indicator report over everything it just did."""

from __future__ import annotations

from rich.console import Console

from sohoa.reporting.table import print_report
from storage.reports import whole_index_report
from workers.services import Services


def print_demo_report(services: Services, console: Console) -> None:
    with services.index.session() as session:
        report = whole_index_report(session)
    print_report(console, report)
