"""The degraded evaluation corpus: named scan defects, each sample labelled with its profile.

Named profiles isolate one defect each (so a CER regression points at a stage), plus the
presets and a mixed harsh set; ``severity`` instead draws a random profile per sample. Next to
each image the generator's ``<stem>.truth.json`` and our ``<stem>.degrade.json`` (profile name
and parameters), which ``sohoa eval ocr`` groups by.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from PIL import Image

from sohoa.samples import (
    CLEAN,
    COUNTER,
    HARSH,
    DegradeProfile,
    degrade,
    random_profile,
    render,
    write_sample,
)
from sohoa.samples.documents import VARIANTS, document_for_index
from sohoa.samples.fonts import Face
from sohoa.samples.model import SampleDocument
from sohoa.samples.page_kinds import in_face, letter_spaced, two_columns, write_garbage_layer_pdf
from sohoa.samples.render import stamp_centre
from sohoa.samples.writer import Format, truth_path, write_truth

_NOISY = {"noise_sigma": 8.0, "jpeg_quality": 60, "uneven_light": 0.2, "blur_sigma": 0.8}

PROFILES: dict[str, DegradeProfile] = {
    "clean": CLEAN,
    "counter": COUNTER,
    "harsh": HARSH,
    "skew15_black": DegradeProfile(
        skew_degrees=15.0, skew_random=False, border="black", jpeg_quality=85, noise_sigma=4.0
    ),
    "rot90": DegradeProfile(rotate=90, skew_degrees=3.0, **_NOISY),
    "rot180": DegradeProfile(rotate=180, skew_degrees=3.0, **_NOISY),
    "rot270": DegradeProfile(rotate=270, skew_degrees=3.0, **_NOISY),
    "blur": DegradeProfile(blur_sigma=1.5, jpeg_quality=70, noise_sigma=4.0),
    "noise_jpeg": DegradeProfile(noise_sigma=14.0, jpeg_quality=40),
    "uneven_light": DegradeProfile(uneven_light=0.6, noise_sigma=4.0, jpeg_quality=80),
    "low_dpi": DegradeProfile(dpi=200, blur_sigma=0.6, noise_sigma=4.0, jpeg_quality=75),
}
# The original set: the generated corpus's CER bar (≤ 1 %) is kept on these.
DEFAULT_PROFILES: tuple[str, ...] = tuple(PROFILES)
# What real counter scans have and the set above lacks (seen on ../shared/realscans):
REAL_SCAN_PROFILES: dict[str, DegradeProfile] = {
    "phone_72dpi": DegradeProfile(dpi=72, blur_sigma=0.5, noise_sigma=3.0, jpeg_quality=70),
    "jpeg_150dpi": DegradeProfile(dpi=150, noise_sigma=3.0, jpeg_quality=55),
    "g4_200dpi": DegradeProfile(dpi=200, skew_degrees=1.0, noise_sigma=3.0, bilevel=True),
    "dark": DegradeProfile(paper_level=150, ink_level=10, noise_sigma=4.0, jpeg_quality=75),
    "low_contrast": DegradeProfile(
        paper_level=235, ink_level=125, noise_sigma=3.0, jpeg_quality=80
    ),
    "red_stamp": DegradeProfile(red_stamp=True, noise_sigma=3.0, jpeg_quality=85),
    "letter_spaced": DegradeProfile(noise_sigma=3.0, jpeg_quality=85),
    "two_column": DegradeProfile(noise_sigma=3.0, jpeg_quality=85),
    "garbage_layer": DegradeProfile(noise_sigma=3.0, jpeg_quality=90),
}
PROFILES.update(REAL_SCAN_PROFILES)
# The file each profile is saved as, where it is not the corpus format.
FORMAT_OF: dict[str, Format] = {"g4_200dpi": "tiff-g4", "red_stamp": "jpeg"}
DEGRADE_SUFFIX = ".degrade.json"


def profile_for(index: int, profiles: tuple[str, ...]) -> str:
    """The profile of sample ``index``: round r of the document kinds shifts the profiles by r,
    so every kind meets every profile, even with as many kinds as profiles (11 kinds and 11
    profiles cycled side by side would pair each kind with one profile for good)."""
    turn = index // len(VARIANTS) + index % len(VARIANTS)
    return profiles[turn % len(profiles)]


def random_label(profile: DegradeProfile, severity: float) -> str:
    """A readable name for a randomly drawn profile: severity plus its notable defects."""
    label = f"s{severity:g}"
    if profile.rotate:
        label += f"+rot{profile.rotate}"
    if profile.border == "black":
        label += "+black"
    if profile.dpi:
        label += f"+{profile.dpi}dpi"
    return label


def _certificate(seed: int, index: int) -> SampleDocument:
    """The sample's document, or the next A4 one: two ID cards side by side make no page."""
    for step in range(10):
        doc = document_for_index(seed, index + step)
        if not doc.template.startswith("card"):
            return doc
    raise ValueError("no A4 document among the next ten samples")


def _page_of_kind(
    name: str, doc: SampleDocument, seed: int, index: int, face: Face
) -> tuple[SampleDocument, Image.Image]:
    """The document and its clean page, laid out as the profile's kind of page asks."""
    if name == "letter_spaced":
        doc = letter_spaced(doc)
    if name != "two_column":
        return doc, render(doc)
    left = in_face(_certificate(seed, index), face)
    right = in_face(_certificate(seed + 7919, index), face)
    both = left.model_copy(update={"lines": left.lines + right.lines, "fields": {}})
    return both, two_columns(render(left), render(right))


def write_corpus(
    dest: Path,
    count: int,
    seed: int = 0,
    profiles: tuple[str, ...] = DEFAULT_PROFILES,
    severity: float | None = None,
    fmt: Format = "png",
    faces: tuple[Face, ...] | None = None,
) -> list[Path]:
    """Write ``count`` samples cycling document kinds and (without severity) profile names.

    Sample ``i`` is the same document and defect draw whatever ``count`` is, so a small corpus
    is a prefix of a larger one. With several typefaces, the face changes once per round of
    profiles, so each profile meets each face. The default stays DejaVu alone, so that figures
    compare with earlier ones; ``faces=FACES`` prints in Liberation and Noto too.
    """
    faces = faces or ("dejavu",)
    unknown = [name for name in profiles if name not in PROFILES]
    if unknown:
        raise ValueError(f"unknown profiles {unknown}; have {', '.join(PROFILES)}")
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index in range(count):
        doc = document_for_index(seed, index)
        rng = random.Random(f"sohoa-eval-{seed}-{index}")
        if severity is None:
            name = profile_for(index, profiles)
            profile = PROFILES[name]
        else:
            profile = random_profile(rng, severity)
            name = random_label(profile, severity)
        face = faces[(index // len(profiles)) % len(faces)]
        doc, page = _page_of_kind(name, in_face(doc, face), seed, index, face)
        stem = f"{index:05d}_{name}_{doc.doc_type.value}"
        image = degrade(page, profile, rng, stamp_centre(doc))
        if name == "garbage_layer":
            path = write_garbage_layer_pdf(image, doc.lines, dest / f"{stem}.pdf", rng)
            write_truth(doc, truth_path(dest, stem))
        else:
            path = write_sample(doc, image, dest, stem, FORMAT_OF.get(name, fmt))
        record = {"profile": name, "face": doc.face, **profile.model_dump()}
        (dest / f"{stem}{DEGRADE_SUFFIX}").write_text(json.dumps(record) + "\n", encoding="utf-8")
        written.append(path)
    return written
