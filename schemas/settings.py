"""One settings object for the whole system, built once at an entry point and passed down.

Every value can be set by an environment variable with the prefix ``SOHOA_`` and ``__`` between
section and key, e.g. ``SOHOA_OCR__LANGUAGES=vie`` or ``SOHOA_QUEUE__REDIS_URL=redis://host:6379/0``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StorageSettings(BaseModel):
    """Where originals and derived artefacts live."""

    backend: Literal["local", "minio"] = "local"
    local_root: Path = Path("var/objects")
    minio_endpoint: str = ""
    minio_access_key: str = ""
    minio_secret_key: str = ""
    minio_bucket: str = "sohoa"
    minio_secure: bool = False
    minio_region: str = "us-east-1"
    presign_seconds: int = 300


class IndexSettings(BaseModel):
    """The metadata index (SQLAlchemy URL); SQLite by default, PostgreSQL in production."""

    url: str = "sqlite:///var/sohoa.db"


class QueueSettings(BaseModel):
    """rq on Redis; with no URL, jobs run in-process (the embedded default)."""

    redis_url: str = ""
    intake_queue: str = "sohoa-intake"
    reocr_queue: str = "sohoa-reocr"
    maintenance_queue: str = "sohoa-maintenance"
    job_timeout_seconds: int = 1800
    retry_intervals_seconds: list[int] = Field(default_factory=lambda: [10, 60, 300])


class OcrSettings(BaseModel):
    """Tesseract parameters; one thread per call, one process per core."""

    languages: str = "vie"
    dpi: int = 300
    page_timeout_seconds: float = 120.0
    omp_thread_limit: int = 1
    psm: int = 3
    tesseract_cmd: str = "tesseract"
    poppler_path: str = ""
    searchable_pdf: bool = True


class PreprocessSettings(BaseModel):
    """Each OpenCV clean-up stage can be switched off."""

    orientation: bool = True
    deskew: bool = True
    denoise: bool = True
    normalize_contrast: bool = True
    binarize: bool = False
    crop_border: bool = True
    max_skew_degrees: float = 20.0


class LimitSettings(BaseModel):
    """Inputs beyond these are quarantined with a clear reason instead of killing a worker."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    max_pixels_per_page: int = 12_000 * 12_000


class ReviewSettings(BaseModel):
    """When a result goes to a human instead of being trusted."""

    min_field_confidence: float = 0.70


class WatchSettings(BaseModel):
    """The scanner's drop folders."""

    drop_dirs: list[Path] = Field(default_factory=lambda: [Path("var/drop")])
    work_dir: Path = Path("var/intake")
    stable_seconds: float = 2.0
    rescan_seconds: float = 10.0


class ApiSettings(BaseModel):
    """The staff HTTP API and page."""

    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = "change-me"
    token_hours: int = 10


class Settings(BaseSettings):
    """All of sohoa's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("var")
    storage: StorageSettings = Field(default_factory=StorageSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    preprocess: PreprocessSettings = Field(default_factory=PreprocessSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    @classmethod
    def rooted_at(cls, data_dir: Path, **overrides: object) -> Settings:
        """Settings whose local files all live under ``data_dir`` (demo, tests)."""
        data_dir = Path(data_dir)
        base = cls(**overrides)  # type: ignore[arg-type]
        base.data_dir = data_dir
        if "storage" not in overrides:
            base.storage.local_root = data_dir / "objects"
        if "index" not in overrides:
            base.index.url = f"sqlite:///{data_dir / 'sohoa.db'}"
        if "watch" not in overrides:
            base.watch.drop_dirs = [data_dir / "drop"]
            base.watch.work_dir = data_dir / "intake"
        return base
