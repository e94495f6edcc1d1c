"""Sample generator: Vietnamese civil documents rendered with real fonts, degraded like
counter scans, with known ground truth (fields and printed lines).

Used by `sohoa demo`, by OCR and extraction tests and by benchmarks; nothing binary is
committed, everything is generated from a seed.

    doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(1))
    image = degrade(render(doc), COUNTER, random.Random(1))
    write_sample(doc, image, "out", "birth-1", "pdf")
"""

from sohoa.samples.cards import card_expiry
from sohoa.samples.degrade import (
    CLEAN,
    COUNTER,
    HARSH,
    PRESETS,
    DegradeProfile,
    degrade,
    random_profile,
)
from sohoa.samples.documents import (
    VARIANTS,
    build_document,
    document_for_index,
    sample_rng,
    variants_of,
)
from sohoa.samples.fonts import FontNotFoundError, find_font
from sohoa.samples.model import FIELDS_BY_TYPE, REFERENCE_DATE, SampleDocument
from sohoa.samples.people import (
    Person,
    id_number_is_valid,
    make_cmnd_number,
    make_id_number,
    make_person,
)
from sohoa.samples.places import PROVINCE_CODES, Place, random_place
from sohoa.samples.render import render
from sohoa.samples.writer import (
    FORMATS,
    Format,
    generate_corpus,
    to_bilevel,
    truth_path,
    write_multipage_pdf,
    write_multipage_tiff,
    write_sample,
)

__all__ = [
    "CLEAN",
    "COUNTER",
    "FIELDS_BY_TYPE",
    "FORMATS",
    "HARSH",
    "PRESETS",
    "PROVINCE_CODES",
    "REFERENCE_DATE",
    "VARIANTS",
    "DegradeProfile",
    "FontNotFoundError",
    "Format",
    "Person",
    "Place",
    "SampleDocument",
    "build_document",
    "card_expiry",
    "degrade",
    "document_for_index",
    "find_font",
    "generate_corpus",
    "id_number_is_valid",
    "make_cmnd_number",
    "make_id_number",
    "make_person",
    "random_place",
    "random_profile",
    "render",
    "sample_rng",
    "to_bilevel",
    "truth_path",
    "variants_of",
    "write_multipage_pdf",
    "write_multipage_tiff",
    "write_sample",
]
