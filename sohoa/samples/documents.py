"""Which documents the generator makes, and how a seed picks one.

A corpus cycles through every (doc type, variant) in a fixed order so that any `count`
of samples covers all kinds evenly; each sample has its own RNG derived from the corpus
seed and its index, so sample 7 is the same whatever `count` is.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from schemas.fields import DocType
from sohoa.samples import administrative, cards, certificates, components
from sohoa.samples.model import SampleDocument

Builder = Callable[[random.Random], SampleDocument]

BUILDERS: dict[tuple[DocType, str], Builder] = {
    (DocType.ID_CARD, "cccd_2021"): cards.cccd_2021,
    (DocType.ID_CARD, "can_cuoc_2024"): cards.can_cuoc_2024,
    (DocType.ID_CARD, "cmnd"): cards.cmnd,
    (DocType.BIRTH_CERTIFICATE, "tt04_2020"): certificates.birth_certificate,
    (DocType.MARRIAGE_CERTIFICATE, "tt04_2020"): certificates.marriage_certificate,
    (DocType.DEATH_CERTIFICATE, "tt04_2020"): certificates.death_certificate,
    (DocType.MARITAL_STATUS_CERTIFICATE, "tt04_2020"): certificates.marital_status_certificate,
    (DocType.ADMINISTRATIVE_DOCUMENT, "decree30"): administrative.administrative_document,
    (DocType.RESIDENCE_CONFIRMATION, "ct07"): components.residence_confirmation,
    (DocType.LAND_USE_CERTIFICATE, "gcn_page1"): components.land_use_certificate,
    (
        DocType.BUSINESS_HOUSEHOLD_CERTIFICATE,
        "tt01_2021",
    ): components.business_household_certificate,
}
VARIANTS: tuple[tuple[DocType, str], ...] = tuple(BUILDERS)


def variants_of(doc_type: DocType) -> list[str]:
    """Variant names available for a document type (empty for OTHER)."""
    return [variant for kind, variant in VARIANTS if kind == doc_type]


def build_document(
    doc_type: DocType | str, rng: random.Random, variant: str | None = None
) -> SampleDocument:
    """A random document of this type (and variant, or one drawn from `rng`)."""
    kind = DocType(doc_type)
    names = variants_of(kind)
    if not names:
        raise ValueError(f"no sample generator for {kind.value}")
    chosen = variant or rng.choice(names)
    if (kind, chosen) not in BUILDERS:
        raise ValueError(f"unknown variant {chosen!r} for {kind.value}; have {names}")
    return BUILDERS[(kind, chosen)](rng)


def sample_rng(seed: int, index: int) -> random.Random:
    """The RNG of sample `index` in the corpus of `seed` (independent of corpus size)."""
    return random.Random(seed * 1_000_003 + index)


def document_for_index(seed: int, index: int) -> SampleDocument:
    """Sample `index` of the corpus of `seed`: kinds cycle through VARIANTS in order."""
    kind, variant = VARIANTS[index % len(VARIANTS)]
    return build_document(kind, sample_rng(seed, index), variant)
