"""The closing figures of the demo (replaced by the full indicator report when available)."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from storage.reports import summary
from workers.services import Services


def print_demo_report(services: Services, day: date, console: Console) -> None:
    with services.index.session() as session:
        figures = summary(session)
    console.print(
        f"Hồ sơ: {figures.dossiers} · thành phần đã số hóa: "
        f"{figures.components.numerator}/{figures.components.denominator} "
        f"({figures.components.percent:.2f}%) · hồ sơ khai thác lại: "
        f"{figures.dossiers_reusing.numerator}/{figures.dossiers_reusing.denominator} "
        f"({figures.dossiers_reusing.percent:.2f}%)"
    )
