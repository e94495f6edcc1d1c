"""Cutting a date range into calendar months, quarters or years, as provinces report them."""

from __future__ import annotations

from datetime import date, timedelta

from schemas.reporting import Period, PeriodKind

_ROMAN = ("I", "II", "III", "IV")


def whole_range(start: date, end: date) -> Period:
    """The report's range as one period."""
    label = f"{start.isoformat()}..{end.isoformat()}"
    title = f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    return Period(label=label, title=title, start=start, end=end)


def _calendar(day: date, kind: PeriodKind) -> Period:
    """The calendar period containing ``day`` (not clipped)."""
    if kind == PeriodKind.YEAR:
        return Period(
            label=f"{day.year}",
            title=f"Năm {day.year}",
            start=date(day.year, 1, 1),
            end=date(day.year, 12, 31),
        )
    if kind == PeriodKind.QUARTER:
        quarter = (day.month - 1) // 3
        first = date(day.year, 3 * quarter + 1, 1)
        label, title = f"{day.year}-Q{quarter + 1}", f"Quý {_ROMAN[quarter]}/{day.year}"
        months = 3
    else:
        first = date(day.year, day.month, 1)
        label, title = f"{day:%Y-%m}", f"Tháng {day:%m/%Y}"
        months = 1
    month_after = first.month - 1 + months
    following = date(first.year + month_after // 12, month_after % 12 + 1, 1)
    return Period(label=label, title=title, start=first, end=following - timedelta(days=1))


def split_periods(start: date, end: date, kind: PeriodKind) -> list[Period]:
    """The periods covering ``start``..``end`` (inclusive), the first and last clipped to it."""
    if end < start:
        raise ValueError(f"ngày kết thúc {end} trước ngày bắt đầu {start}")
    if kind == PeriodKind.RANGE:
        return [whole_range(start, end)]
    periods: list[Period] = []
    day = start
    while day <= end:
        period = _calendar(day, kind)
        clipped = period.model_copy(update={"start": day, "end": min(period.end, end)})
        periods.append(clipped)
        if period.end >= end:
            break
        day = period.end + timedelta(days=1)
    return periods
