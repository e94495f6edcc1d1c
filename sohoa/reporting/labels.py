"""How figures read in Vietnamese: decimal comma, "—" where there is nothing to count."""

from __future__ import annotations

from schemas.reporting import GROUP_LABELS_VI, Cell, Indicator, Rate, Report
from storage.reports.indicators import SCORED

NATIONAL = SCORED  # the four indicators provinces score, shown first and charted
NUMERATOR_DENOMINATOR = "Tử số / Mẫu số"
TITLE = "Báo cáo số hóa hồ sơ và khai thác, sử dụng lại dữ liệu số hóa"
NO_GROUP = "(chưa rõ)"
ALL_GROUPS = "Tất cả"
WHOLE_RANGE = "Cả kỳ báo cáo"

SHORT_LABELS_VI: dict[Indicator, str] = {
    Indicator.DOSSIER_DIGITIZATION: "Số hóa hồ sơ",
    Indicator.REUSE: "Sử dụng lại",
    Indicator.ELECTRONIC_RESULT: "Kết quả điện tử",
    Indicator.CITIZEN_DATA: "Dữ liệu dân cư",
    Indicator.COMPONENT_DIGITIZATION: "Thành phần số hóa",
    Indicator.COMPONENT_REUSE: "Thành phần dùng lại",
    Indicator.OCR_REVIEW: "OCR cần kiểm tra",
}


def number_vi(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def percent_text(rate: Rate) -> str:
    return f"{number_vi(rate.percent)}%" if rate.denominator else "—"


def fraction_text(rate: Rate) -> str:
    return f"{rate.numerator} / {rate.denominator}"


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{number_vi(100 * score)}%"


def group_text(cell: Cell) -> str:
    if cell.group is None:
        return ALL_GROUPS
    if cell.group and cell.group_name:
        return f"{cell.group_name} ({cell.group})"
    return cell.group or NO_GROUP


def channels_text(report: Report) -> str:
    """The dossiers counted, by channel: "Hồ sơ tiếp nhận: 12 (trực tiếp 8, trực tuyến 4)"."""
    total = sum(count.dossiers for count in report.channels)
    parts = ", ".join(
        f"{count.label.lower()} {count.dossiers}" for count in report.channels if count.dossiers
    )
    return f"Hồ sơ tiếp nhận: {total}" + (f" ({parts})" if parts else "")


def period_text(cell: Cell) -> str:
    return cell.period.title if cell.period else WHOLE_RANGE


def subtitle(report: Report) -> str:
    """Range, grouping and when it was made, in one line."""
    by = GROUP_LABELS_VI[report.by].lower()
    return (
        f"Từ {report.start:%d/%m/%Y} đến {report.end:%d/%m/%Y} · theo {by} · "
        f"{channels_text(report)} · lập lúc {report.generated_at:%H:%M %d/%m/%Y}"
    )
