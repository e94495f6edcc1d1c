"""A self-contained HTML report (one file, inline CSS and SVG, works offline, prints well).

Headings are Vietnamese; each scored indicator gets its rate, numerator / denominator, score,
a trend over the periods and one bar per group, so a ward chairman reads it at a glance.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from schemas.reporting import (
    GROUP_LABELS_VI,
    INDICATOR_LABELS_VI,
    Cell,
    Indicator,
    PeriodKind,
    Report,
)
from sohoa.reporting.labels import (
    NATIONAL,
    NUMERATOR_DENOMINATOR,
    SHORT_LABELS_VI,
    TITLE,
    fraction_text,
    group_text,
    percent_text,
    period_text,
    score_text,
    subtitle,
)
from sohoa.reporting.svg import Point, bar_chart, tone, trend_chart
from storage.reports.indicators import REUSE_FULL_MARKS_AT

TREND_CAPTIONS = {
    PeriodKind.MONTH: "Xu hướng theo tháng",
    PeriodKind.QUARTER: "Xu hướng theo quý",
    PeriodKind.YEAR: "Xu hướng theo năm",
    PeriodKind.RANGE: "Cả kỳ báo cáo",
}

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin: 0 0 6px; }
.sub { color: #666; margin-top: 0; }
section.indicator { border: 1px solid #ddd; border-radius: 6px; padding: 14px; margin: 16px 0; }
.big { font-size: 34px; font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; } figcaption { font-weight: bold; color: #444; margin-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 20px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f3f3; } small { color: #666; }
@media print { section.indicator { break-inside: avoid; } }
"""


def _point(label: str, cell: Cell, indicator: Indicator) -> Point:
    rate = cell.figure(indicator).rate
    return Point(label, rate.percent if rate.denominator else None, fraction_text(rate))


def _axis(cell: Cell) -> str:
    """A short period label for the chart axis: "01/2024", "Quý I/2024", "Năm 2024"."""
    return period_text(cell).removeprefix("Tháng ")


def _indicator_section(report: Report, indicator: Indicator) -> str:
    figure = report.overall.figure(indicator)
    rate = figure.rate
    color = tone(rate.percent if rate.denominator else None)
    trend = trend_chart([_point(_axis(c), c, indicator) for c in report.period_totals])
    target = 100 * REUSE_FULL_MARKS_AT if indicator == Indicator.REUSE else None
    bars = bar_chart([_point(group_text(c), c, indicator) for c in report.group_totals], target)
    by = GROUP_LABELS_VI[report.by]
    return (
        f'<section class="indicator"><h2>{escape(INDICATOR_LABELS_VI[indicator])}</h2>'
        f'<div class="big" style="color:{color}">{percent_text(rate)}</div>'
        f"<p>{NUMERATOR_DENOMINATOR}: <b>{fraction_text(rate)}</b> · "
        f"Điểm: <b>{score_text(figure.score)}</b> điểm tối đa</p>"
        f'<div class="charts"><figure><figcaption>{TREND_CAPTIONS[report.period]}</figcaption>'
        f"{trend}</figure><figure><figcaption>Theo {escape(by.lower())}</figcaption>{bars}"
        "</figure></div></section>"
    )


def _cells_table(header: str, cells: list[Cell], name: Callable[[Cell], str]) -> str:
    heads = "".join(f"<th>{escape(SHORT_LABELS_VI[i])}</th>" for i in Indicator)
    rows = []
    for cell in cells:
        values = "".join(
            f"<td>{percent_text(f.rate)}<br><small>{fraction_text(f.rate)}</small></td>"
            for f in cell.figures
        )
        rows.append(f"<tr><td>{escape(name(cell))}</td>{values}</tr>")
    return (
        f"<table><thead><tr><th>{escape(header)}</th>{heads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p><small>Mỗi ô: tỷ lệ, dưới là {NUMERATOR_DENOMINATOR}.</small></p>"
    )


def _overall_table(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{escape(INDICATOR_LABELS_VI[f.indicator])}</td><td>{fraction_text(f.rate)}</td>"
        f"<td><b>{percent_text(f.rate)}</b></td><td>{score_text(f.score)}</td></tr>"
        for f in report.overall.figures
    )
    return (
        f"<table><thead><tr><th>Chỉ tiêu</th><th>{NUMERATOR_DENOMINATOR}</th><th>Tỷ lệ</th>"
        f"<th>Điểm (% tối đa)</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def to_html(report: Report) -> str:
    by = GROUP_LABELS_VI[report.by]
    notes = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(TITLE)}</h1><p class="sub">{escape(subtitle(report))}</p>'
        + "".join(_indicator_section(report, indicator) for indicator in NATIONAL)
        + f"<h2>Tổng hợp các chỉ tiêu</h2>{_overall_table(report)}"
        + f"<h2>Theo {escape(by.lower())}</h2>{_cells_table(by, report.group_totals, group_text)}"
        + f"<h2>Theo kỳ</h2>{_cells_table('Kỳ', report.period_totals, period_text)}"
        + f"<h2>Ghi chú</h2><ol>{notes}</ol></body></html>\n"
    )
