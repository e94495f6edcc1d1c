"""Reporting vocabulary: dossier event kinds, the indicators and the report CLI and API return.

Events, not counters, are stored, so any period can be recomputed; the report carries numerator
and denominator beside every rate so a figure can always be checked by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum

from pydantic import BaseModel, Field, computed_field


class EventKind(StrEnum):
    """What happened to a dossier, appended to ``dossier_events`` with its time."""

    RECEIVED = "received"
    COMPONENT_DIGITIZED = "component_digitized"
    RESULT_DIGITIZED = "result_digitized"
    ELECTRONIC_RESULT_ISSUED = "electronic_result_issued"
    COMPONENT_REUSED = "component_reused"
    REUSE_DETACHED = "reuse_detached"  # staff undid a reuse: the component is no longer reused
    CITIZEN_DATA_USED = "citizen_data_used"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Channel(IntEnum):
    """How the dossier was handed in (kênh tiếp nhận)."""

    IN_PERSON = 1
    ONLINE = 2
    POSTAL = 3


CHANNEL_LABELS_VI: dict[int | None, str] = {
    Channel.IN_PERSON: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Bưu chính",
    None: "Chưa rõ kênh",
}


class GroupBy(StrEnum):
    UNIT = "unit"  # đơn vị
    PROCEDURE = "procedure"  # mã TTHC
    FIELD = "field"  # lĩnh vực


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


class Indicator(StrEnum):
    """The national digitization indicators, then sohoa's own component and OCR rates."""

    DOSSIER_DIGITIZATION = "dossier_digitization"
    REUSE = "reuse"
    ELECTRONIC_RESULT = "electronic_result"
    CITIZEN_DATA = "citizen_data"
    COMPONENT_DIGITIZATION = "component_digitization"
    COMPONENT_REUSE = "component_reuse"
    OCR_REVIEW = "ocr_review"


INDICATOR_LABELS_VI: dict[Indicator, str] = {
    Indicator.DOSSIER_DIGITIZATION: "Tỷ lệ số hóa hồ sơ",
    Indicator.REUSE: "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
    Indicator.ELECTRONIC_RESULT: "Tỷ lệ cấp kết quả điện tử",
    Indicator.CITIZEN_DATA: "Tỷ lệ hồ sơ sử dụng dữ liệu dân cư",
    Indicator.COMPONENT_DIGITIZATION: "Tỷ lệ thành phần hồ sơ được số hóa",
    Indicator.COMPONENT_REUSE: "Tỷ lệ thành phần hồ sơ sử dụng lại dữ liệu số hóa",
    Indicator.OCR_REVIEW: "Tỷ lệ kết quả nhận dạng cần kiểm tra lại",
}

GROUP_LABELS_VI: dict[GroupBy, str] = {
    GroupBy.UNIT: "Đơn vị",
    GroupBy.PROCEDURE: "Thủ tục (mã TTHC)",
    GroupBy.FIELD: "Lĩnh vực",
}


class Rate(BaseModel):
    """A rate kept as its two counts; ``percent`` is 0 when there is nothing to count."""

    numerator: int = Field(ge=0)
    denominator: int = Field(ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float:
        return 100.0 * self.numerator / self.denominator if self.denominator else 0.0


class Figure(BaseModel):
    """One indicator's rate; ``score`` is the share of full marks (0–1), None if not scored."""

    indicator: Indicator
    rate: Rate
    score: float | None = None


class Period(BaseModel):
    """A reporting period, inclusive at both ends, clipped to the report's range."""

    label: str
    title: str  # Vietnamese: "Tháng 03/2024", "Quý I/2024", "Năm 2024"
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class Cell(BaseModel):
    """Figures for one period (None: the whole range) and one group (None: all groups)."""

    period: Period | None = None
    group: str | None = None
    group_name: str | None = None
    """The unit's or procedure's name from the catalogue, when it has one."""
    figures: list[Figure]

    def figure(self, indicator: Indicator) -> Figure:
        return next(f for f in self.figures if f.indicator == indicator)


class ChannelCount(BaseModel):
    channel: int | None
    label: str
    dossiers: int


class Report(BaseModel):
    """Everything a report shows; presenters only lay it out."""

    start: date
    end: date
    by: GroupBy
    period: PeriodKind
    generated_at: datetime
    periods: list[Period]
    rows: list[Cell]  # one per period and group that had something to count
    period_totals: list[Cell]  # one per period, all groups (the trend)
    group_totals: list[Cell]  # one per group over the whole range (the bars)
    overall: Cell
    channels: list[ChannelCount] = Field(default_factory=list)
    """Dossiers received in the range (the denominators' dossiers), by channel."""
    notes: list[str]
