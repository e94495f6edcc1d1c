"""Plan how a batch scan splits into dossier components. Pure: facts per page in, plan out.

Counter staff feed a whole dossier at once, with a sohoa separator sheet before each component.
A separator page closes the current component and opens the next with the sheet's context; it
is never itself part of a component. Blank pages (backs of duplex scans) are dropped and
counted. Pages before the first separator form a component with the file's own context, or
without any ("unassigned") when the file came without one. A separator followed by nothing but
blanks — or by the back of itself, printed on both sides — opens no component.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from pipeline.codes_payloads import SeparatorQr, separator_of
from schemas.dossiers import DossierContext
from schemas.ocr import DecodedCode


class PageFacts(BaseModel):
    """What a cheap look at one page found."""

    page_number: int = Field(ge=1)
    codes: list[DecodedCode] = Field(default_factory=list)
    blank: bool = False


class PlannedComponent(BaseModel):
    """Pages (1-based, in file order) that become one component file."""

    pages: list[int]
    context: DossierContext | None = None
    separator_page: int | None = None  # None: the pages before the first separator


class BatchPlan(BaseModel):
    components: list[PlannedComponent] = Field(default_factory=list)
    separator_pages: list[int] = Field(default_factory=list)
    blank_pages: list[int] = Field(default_factory=list)
    empty_separators: list[int] = Field(default_factory=list)  # opened no component

    @property
    def blank_count(self) -> int:
        return len(self.blank_pages)

    @property
    def is_batch(self) -> bool:
        return bool(self.separator_pages)


def plan_batch(facts: list[PageFacts], default: DossierContext | None = None) -> BatchPlan:
    """Group pages into components at separator sheets, dropping blank pages."""
    plan = BatchPlan()
    current = PlannedComponent(pages=[], context=default)
    current_sheet: SeparatorQr | None = None
    for page in sorted(facts, key=lambda f: f.page_number):
        sheet = separator_of(page.codes)
        if sheet is not None:
            plan.separator_pages.append(page.page_number)
            if sheet == current_sheet and not current.pages:
                continue  # the same sheet again (its back, or scanned twice): still one
            _close(plan, current)
            current = PlannedComponent(
                pages=[], context=sheet.context(default), separator_page=page.page_number
            )
            current_sheet = sheet
        elif page.blank:
            plan.blank_pages.append(page.page_number)
        else:
            current.pages.append(page.page_number)
    _close(plan, current)
    return plan


def _close(plan: BatchPlan, component: PlannedComponent) -> None:
    if component.pages:
        plan.components.append(component)
    elif component.separator_page is not None:
        plan.empty_separators.append(component.separator_page)
