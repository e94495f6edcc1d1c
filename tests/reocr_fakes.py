"""Re-OCR test helpers: engines that return a known ID-card text (no Tesseract), tiny unique
scans, and stored results made with a deliberately weaker engine.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import func, select

from schemas.dossiers import DossierContext
from schemas.ocr import Line
from schemas.settings import Settings
from storage import keys
from storage.index.results import save_version
from storage.index.scans import register_scan
from storage.index.tables import Result
from tests.extract_helpers import make_line
from workers.intake import ingest_file, store_original
from workers.jobs import process_scan
from workers.services import Services

CARD = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC CÔNG DÂN
Citizen Identity Card
Số / No.: 001095012345
Họ và tên / Full name:
NGUYỄN VĂN AN
Ngày sinh / Date of birth: 12/03/1995
Giới tính / Sex: Nam        Quốc tịch / Nationality: Việt Nam
Quê quán / Place of origin:
Xã Tân Lập, Đan Phượng, Hà Nội
Nơi thường trú / Place of residence:
Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry: 12/03/2035"""

# Misread date of birth, unsure letters: invalid field, low confidence, review.
WEAK_CARD = CARD.replace("12/03/1995", "12/13/1995")
# The name lines lost: a required field gone.
NAMELESS_CARD = "\n".join(
    row for row in CARD.splitlines() if "NGUYỄN" not in row and "Full name" not in row
)


class TextEngine:
    """Returns ``text`` for every page, at ``confidence``; optionally hooks each call."""

    def __init__(
        self,
        name: str,
        text: str = CARD,
        confidence: float = 0.95,
        on_call: Callable[[int], None] | None = None,
    ) -> None:
        self.name = name
        self.text = text
        self.confidence = confidence
        self.on_call = on_call
        self.calls = 0

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        self.calls += 1
        if self.on_call is not None:
            self.on_call(self.calls)
        rows = [row for row in self.text.splitlines() if row.strip()]
        return [make_line(row, i * 40, self.confidence, {}) for i, row in enumerate(rows)], None

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        return 0, 0.0


def weak_engine() -> TextEngine:
    return TextEngine("fake:weak", WEAK_CARD, 0.6)


def good_engine(**kw: object) -> TextEngine:
    return TextEngine("fake:good", CARD, 0.95, **kw)  # type: ignore[arg-type]


def fast_settings(root: Path) -> Settings:
    """Embedded defaults without the image clean-up (the fake engines do not look at pixels)."""
    settings = Settings.rooted_at(root)
    pre = settings.preprocess
    pre.orientation = pre.deskew = pre.denoise = pre.normalize_contrast = False
    pre.crop_border = pre.upscale = False
    settings.codes.enabled = False
    settings.ocr.searchable_pdf = False
    return settings


def tiny_scan(dest: Path, number: int) -> Path:
    """A small PNG whose bytes (so hash) are unique to ``number``."""
    rng = np.random.default_rng(number)
    pixels = np.full((96, 160), 255, dtype=np.uint8)
    pixels[rng.integers(0, 96, 40), rng.integers(0, 160, 40)] = 0
    path = dest / f"scan-{number:05d}.png"
    Image.fromarray(pixels).save(path)
    return path


def stored_scans(
    services: Services, dest: Path, count: int, *, unit: str = "H12", first: int = 0
) -> list[int]:
    """Ingest ``count`` tiny scans and process them with the services' (weak) engine."""
    dest.mkdir(parents=True, exist_ok=True)
    ids = []
    for number in range(first, first + count):
        day = random.Random(number).randint(1, 28)
        context = DossierContext(
            dossier_code=f"000.00.20.{unit}-2403{day:02d}-{number % 10000:04d}",
            component="Căn cước",
        )
        receipt = ingest_file(tiny_scan(dest, number), context, services)
        process_scan(receipt.scan_id, services)
        ids.append(receipt.scan_id)
    return ids


def versions_by_scan(services: Services) -> dict[int, list[tuple[int, bool]]]:
    """(version, is_current) of every result row, per scan."""
    found: dict[int, list[tuple[int, bool]]] = {}
    with services.index.session() as session:
        rows = session.execute(
            select(Result.scan_id, Result.version, Result.is_current).order_by(
                Result.scan_id, Result.version
            )
        )
        for scan_id, version, current in rows:
            found.setdefault(scan_id, []).append((version, current))
    return found


def result_count(services: Services) -> int:
    with services.index.session() as session:
        return int(session.scalar(select(func.count()).select_from(Result)) or 0)


WEAK_FIELDS = {"id_number": "001095012345", "full_name": "NGUYỄN VĂN AN", "sex": "Nam"}


def seed_results(
    services: Services, dest: Path, count: int, *, engine_name: str = "fake:weak"
) -> list[int]:
    """Originals stored and weak v1 results written straight into the index (fast set-up).

    No v1 artefacts are uploaded: the comparison then reads the old version from its row.
    """
    dest.mkdir(parents=True, exist_ok=True)
    ids = []
    with services.index.session() as session:
        for number in range(count):
            path = tiny_scan(dest, number)
            sha256, key = store_original(path, services)
            scan, _ = register_scan(
                session,
                sha256=sha256,
                filename=path.name,
                size_bytes=path.stat().st_size,
                original_key=key,
                unit_code="H12",
            )
            scan.state, scan.page_count, scan.current_version = "needs_review", 1, 1
            row = Result(
                scan_id=scan.id,
                version=1,
                doc_type="id_card",
                fields=dict(WEAK_FIELDS),
                needs_review=True,
                review_reasons=["date_of_birth:missing"],
                mean_confidence=0.55,
                engine={"tesseract": engine_name, "pipeline": "0", "rules": "0"},
                derived_prefix=keys.derived_prefix(sha256, 1),
                unit_code="H12",
            )
            save_version(session, row)
            ids.append(scan.id)
    return ids
