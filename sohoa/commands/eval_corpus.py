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
from sohoa.samples.documents import document_for_index
from sohoa.samples.writer import Format

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
DEFAULT_PROFILES: tuple[str, ...] = tuple(PROFILES)
DEGRADE_SUFFIX = ".degrade.json"


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


def write_corpus(
    dest: Path,
    count: int,
    seed: int = 0,
    profiles: tuple[str, ...] = DEFAULT_PROFILES,
    severity: float | None = None,
    fmt: Format = "png",
) -> list[Path]:
    """Write ``count`` samples cycling document kinds and (without severity) profile names.

    Sample ``i`` is the same document and defect draw whatever ``count`` is, so a small corpus
    is a prefix of a larger one.
    """
    unknown = [name for name in profiles if name not in PROFILES]
    if unknown:
        raise ValueError(f"unknown profiles {unknown}; have {', '.join(PROFILES)}")
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index in range(count):
        doc = document_for_index(seed, index)
        rng = random.Random(f"sohoa-eval-{seed}-{index}")
        if severity is None:
            name = profiles[index % len(profiles)]
            profile = PROFILES[name]
        else:
            profile = random_profile(rng, severity)
            name = random_label(profile, severity)
        image = degrade(render(doc), profile, rng)
        stem = f"{index:05d}_{name}_{doc.doc_type.value}"
        path = write_sample(doc, image, dest, stem, fmt)
        record = {"profile": name, **profile.model_dump()}
        (dest / f"{stem}{DEGRADE_SUFFIX}").write_text(json.dumps(record) + "\n", encoding="utf-8")
        written.append(path)
    return written
