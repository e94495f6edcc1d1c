"""The indicator formulas of the national service-quality set (digitization group), as pure code.

Every function takes the facts of one report and a period and returns Rate(numerator,
denominator). Treatment, also printed as the report's footnotes (``NOTES``):

- reception-based indicators (dossier digitization, reuse, citizen data, component rates) count
  dossiers received in the period; the electronic-result rate counts dossiers completed in it.
  A dossier received in one period and completed in the next counts in each where its date falls;
  its later events (result digitized) still count for its reception period when recomputed.
- withdrawn dossiers (a ``withdrawn`` event, whenever recorded) are left out of numerators and
  denominators, as the national set does; completion is the first ``completed`` event.
- a dossier with no recorded component is not digitized (nothing was), but is counted; an online
  dossier's components arrive digital and count as digitized.
- reuse counts only where a reuse event exists and was not undone; attaching an expired result
  is refused, so adds nothing, while a result attached while still valid keeps counting.
- dossiers without a receipt date are left out of the reuse rate only, as the formula says; for
  the others they count in the period sohoa first recorded them.
- OCR review counts OCR runs (re-OCR included) by the day they ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from schemas.reporting import Figure, Indicator, Period, Rate
from storage.reports.facts import DossierFacts, ResultRow

REUSE_FULL_MARKS_AT = 0.8
SCORED = (  # the national indicators; the others are sohoa's own
    Indicator.DOSSIER_DIGITIZATION,
    Indicator.REUSE,
    Indicator.ELECTRONIC_RESULT,
    Indicator.CITIZEN_DATA,
)


NOTES = (
    "Tử số / Mẫu số: số hồ sơ (hoặc thành phần, lượt nhận dạng) đạt / số được tính.",
    "Các tỷ lệ số hóa, sử dụng lại, dữ liệu dân cư và thành phần hồ sơ tính trên hồ sơ tiếp nhận "
    "trong kỳ; tỷ lệ cấp kết quả điện tử tính trên hồ sơ hoàn thành trong kỳ. Hồ sơ tiếp nhận "
    "kỳ này, hoàn thành kỳ sau: tính ở kỳ tiếp nhận cho chỉ tiêu tiếp nhận, ở kỳ hoàn thành cho "
    "kết quả điện tử.",
    "Hồ sơ đã rút không tính vào tử số và mẫu số.",
    "Hồ sơ được số hóa: mọi thành phần được số hóa hoặc sử dụng lại khi tiếp nhận và kết quả "
    "giải quyết được số hóa (nếu thủ tục có kết quả bằng văn bản). Hồ sơ chưa ghi nhận thành "
    "phần nào hoặc chưa số hóa kết quả thì chưa đạt; hồ sơ nộp trực tuyến coi như thành phần "
    "đã ở dạng điện tử. Tỷ lệ kỳ gần nhất còn tăng khi hồ sơ được giải quyết xong.",
    "Sử dụng lại: hồ sơ có ít nhất một thành phần dùng lại dữ liệu số hóa đã có (không bị hủy "
    "gắn sau đó). Kết quả hết hiệu lực không được gắn nên không tính; kết quả gắn khi còn hiệu "
    "lực vẫn tính. Hồ sơ không có ngày tiếp nhận không tính vào mẫu số.",
    "Cấp kết quả điện tử: mẫu số là hồ sơ hoàn thành của thủ tục có kết quả bằng văn bản.",
    "Điểm (% điểm tối đa): tỷ lệ khai thác, sử dụng lại đạt điểm tối đa từ 80%; các chỉ tiêu "
    "khác tính điểm tỷ lệ thuận với tỷ lệ.",
    "Cần kiểm tra lại: lượt nhận dạng (kể cả nhận dạng lại) bị đánh dấu cần cán bộ kiểm tra / "
    "số lượt nhận dạng trong kỳ.",
)


def _rate(cohort: Sequence[DossierFacts], counted: Callable[[DossierFacts], bool]) -> Rate:
    return Rate(numerator=sum(1 for f in cohort if counted(f)), denominator=len(cohort))


def received(facts: Iterable[DossierFacts], period: Period) -> list[DossierFacts]:
    """Dossiers received in the period, withdrawn ones left out."""
    return [f for f in facts if not f.withdrawn and period.contains(f.reception_day)]


def is_digitized(f: DossierFacts) -> bool:
    components_done = f.online or (f.components > 0 and f.components_digitized == f.components)
    return components_done and (f.result_digitized or not f.issues_result)


def dossier_digitization(facts: Iterable[DossierFacts], period: Period) -> Rate:
    return _rate(received(facts, period), is_digitized)


def reuse(facts: Iterable[DossierFacts], period: Period) -> Rate:
    cohort = [f for f in received(facts, period) if f.received_on is not None]
    return _rate(cohort, lambda f: f.reused)


def electronic_result(facts: Iterable[DossierFacts], period: Period) -> Rate:
    cohort = [
        f
        for f in facts
        if not f.withdrawn
        and f.issues_result
        and f.completed_on is not None
        and period.contains(f.completed_on)
    ]
    return _rate(cohort, lambda f: f.electronic_result)


def citizen_data(facts: Iterable[DossierFacts], period: Period) -> Rate:
    return _rate(received(facts, period), lambda f: f.citizen_data)


def component_digitization(facts: Iterable[DossierFacts], period: Period) -> Rate:
    cohort = received(facts, period)
    return Rate(
        numerator=sum(f.components_digitized for f in cohort),
        denominator=sum(f.components for f in cohort),
    )


def component_reuse(facts: Iterable[DossierFacts], period: Period) -> Rate:
    cohort = received(facts, period)
    return Rate(
        numerator=sum(f.components_reused for f in cohort),
        denominator=sum(f.components for f in cohort),
    )


def ocr_review(results: Iterable[ResultRow], period: Period) -> Rate:
    runs = [r for r in results if period.contains(r.digitized_on)]
    return Rate(numerator=sum(1 for r in runs if r.needs_review), denominator=len(runs))


def score(indicator: Indicator, rate: Rate) -> float | None:
    """Share of full marks as published: reuse is full at 80%, the others proportional."""
    if not rate.denominator:
        return None
    share = rate.numerator / rate.denominator
    if indicator == Indicator.REUSE:
        return min(1.0, share / REUSE_FULL_MARKS_AT)
    if indicator in SCORED:
        return share
    return None


_DOSSIER_FORMULAS: dict[Indicator, Callable[[Iterable[DossierFacts], Period], Rate]] = {
    Indicator.DOSSIER_DIGITIZATION: dossier_digitization,
    Indicator.REUSE: reuse,
    Indicator.ELECTRONIC_RESULT: electronic_result,
    Indicator.CITIZEN_DATA: citizen_data,
    Indicator.COMPONENT_DIGITIZATION: component_digitization,
    Indicator.COMPONENT_REUSE: component_reuse,
}


def figures(
    facts: Sequence[DossierFacts], results: Sequence[ResultRow], period: Period
) -> list[Figure]:
    """Every indicator for one period and one set of dossiers, in ``Indicator`` order."""
    rates = {indicator: formula(facts, period) for indicator, formula in _DOSSIER_FORMULAS.items()}
    rates[Indicator.OCR_REVIEW] = ocr_review(results, period)
    return [
        Figure(indicator=indicator, rate=rates[indicator], score=score(indicator, rates[indicator]))
        for indicator in Indicator
    ]
