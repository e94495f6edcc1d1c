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
    minio_public_endpoint: str = ""  # host:port browsers use for presigned links; "" = same
    minio_access_key: str = ""
    minio_secret_key: str = ""
    minio_bucket: str = "sohoa"
    minio_secure: bool = False
    minio_region: str = "us-east-1"
    # A view link is followed by the browser at once; the audit records only that first request,
    # so the link must not outlive it by much (anyone holding it can fetch the scan meanwhile).
    presign_seconds: int = 30


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
    # Backoff for transient errors (storage, database down) and for jobs of a worker that died.
    retry_intervals_seconds: list[int] = Field(default_factory=lambda: [10, 60, 300])
    # How often a worker looks for jobs left behind by dead workers and for a dead scheduler
    # (rq's default is 10 min).
    worker_maintenance_seconds: int = 30
    # A worker's registration lives this long without a heartbeat. An idle worker waits for a
    # job at most this minus 15 s before its maintenance can run (rq's default: 420 s, so a dead
    # scheduler was only replaced minutes later and delayed retries sat waiting).
    worker_ttl_seconds: int = Field(default=45, ge=20)
    # Redis lost while working: the worker waits and reconnects, sleeping 1, 2, 4… up to this.
    reconnect_max_seconds: float = 30.0
    # A scan whose worker died this many times is marked failed instead of requeued again.
    max_attempts: int = 5


class OcrSettings(BaseModel):
    """Tesseract parameters; one thread per call, one process per core."""

    languages: str = "vie"
    dpi: int = 300
    page_timeout_seconds: float = 120.0
    omp_thread_limit: int = 1
    psm: int = 3
    tesseract_cmd: str = "tesseract"
    # rq workers read pages with the Tesseract library loaded once (tesserocr), when it is the
    # program's own version; False: one ``tesseract`` process per page there too. Processes
    # that run jobs without forking (embedded defaults, CLI) always use the program.
    in_process: bool = True
    poppler_path: str = ""
    searchable_pdf: bool = True
    pdf_image_quality: int = Field(default=80, ge=10, le=100)  # JPEG page image in that PDF
    use_text_layer: bool = True  # born-digital PDF pages keep their own text (if it is real)
    retry_below_confidence: float = 0.60  # poorer pages get an OSD check and a second try
    noise_confidence: float = 0.60  # below this, symbol-only words and wordless lines go (0: keep)


class PreprocessSettings(BaseModel):
    """Each OpenCV clean-up stage can be switched off."""

    orientation: bool = True
    deskew: bool = True
    denoise: bool = True
    normalize_contrast: bool = True
    binarize: bool = False
    crop_border: bool = True
    upscale: bool = True
    ocr_content_only: bool = True  # the engine reads only the inked area (plus a margin)
    # OpenCV threads in a worker process (0: OpenCV's own default). Workers run one per core,
    # as Tesseract does with OMP_THREAD_LIMIT=1: more threads only contend for the same cores.
    worker_opencv_threads: int = Field(1, ge=0, le=64)
    content_margin_inches: float = Field(0.15, ge=0.0, le=2.0)
    max_skew_degrees: float = 20.0
    min_skew_degrees: float = 0.15  # smaller angles are left alone (rotation blurs a little)
    denoise_method: Literal["median", "gaussian", "nlmeans", "none"] = "median"
    # Median letter height (px, after upscaling) below which denoising is skipped: a 3×3
    # median eats the strokes and diacritics of small letters.
    denoise_min_text_px: float = Field(20.0, ge=0.0)
    white_point: int = Field(225, ge=128, le=255)  # after flattening, >= this becomes white
    binarize_method: Literal["otsu", "adaptive"] = "otsu"
    min_text_height_px: float = 11.0  # median letter height (px) below which a page is enlarged
    upscale_target_px: float = 20.0  # ... to about this height, at most max_upscale times
    max_upscale: float = 2.0


class LimitSettings(BaseModel):
    """Inputs beyond these are quarantined with a clear reason instead of killing a worker."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    max_pixels_per_page: int = 12_000 * 12_000
    # All pages together, as rendered for OCR: 500 A4 pages at 300 dpi (8.7 Mpx each). A PDF of
    # 499 blank 40-inch pages, each just under the page limit, would be 72 Gpx of work.
    max_pixels_per_document: int = 4_500_000_000


class ReviewSettings(BaseModel):
    """When a result goes to a human instead of being trusted."""

    min_field_confidence: float = 0.70


class CodesSettings(BaseModel):
    """QR codes read before OCR, blank-page detection and batch splitting by separator sheets."""

    enabled: bool = True
    # The upscale/binarisation retries run on the whole page only up to this size (cards,
    # low-dpi renders); bigger pages retry only where a code was detected but not decoded.
    retry_max_pixels: int = 2_000_000
    split_dpi: int = 100  # batch files are rendered at this resolution to find separators
    blank_max_ink: float = 0.0002  # ink coverage (share of the page) below which it is blank


class WatchSettings(BaseModel):
    """The scanner's drop folders."""

    drop_dirs: list[Path] = Field(default_factory=lambda: [Path("var/drop")])
    work_dir: Path = Path("var/intake")  # processing/, done/ and quarantine/ live here
    stable_seconds: float = 2.0  # size and mtime unchanged this long → written completely
    rescan_seconds: float = 10.0  # full walk of the drop folders (shares without inotify)
    # A file that looks incomplete (PDF without %%EOF, empty…) but has not changed for this
    # long is taken anyway, so triage quarantines it with a reason instead of waiting forever.
    max_wait_seconds: float = 120.0
    poll_seconds: float = 1.0  # one watcher pass this often
    retry_seconds: float = 15.0  # after the queue, storage or index was unreachable
    maintenance_seconds: float = 60.0  # requeue scans whose jobs were lost (rq mode)


class ApiSettings(BaseModel):
    """The staff HTTP API and page."""

    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = "change-me"
    # Keys retired by rotation, oldest first: the tokens they signed stay valid until they expire.
    previous_secret_keys: list[str] = Field(default_factory=list)
    token_hours: int = 10

    @property
    def token_keys(self) -> list[str]:
        """Keys a token may be signed with, oldest first; the last one signs new tokens."""
        return [*self.previous_secret_keys, self.secret_key]


class ReocrSettings(BaseModel):
    """Batch re-OCR of stored scans: when a new version becomes current, pace, recovery."""

    policy: Literal["not_worse", "improved_only", "always", "never"] = "not_worse"
    confidence_epsilon: float = 0.01  # mean confidences closer than this count as equal
    throttle_pages_per_minute: float = 0.0  # 0: as fast as the workers go
    # A claim older than this belongs to a dead process (rq kills jobs at job_timeout_seconds).
    stale_running_seconds: float = 2400.0
    max_in_flight: int = 20  # queue mode: items handed to rq and not yet finished
    poll_seconds: float = 2.0  # queue mode: how often progress is read from the index


class SigningSettings(BaseModel):
    """Digital signatures (issue #24): the units' keys, a time-stamp authority, trust anchors.

    ``keys_dir`` holds, per unit, ``<unit_code>.p12`` with its password in ``<unit_code>.pass``,
    or ``<unit_code>.pkcs11.json`` (``{"module": …, "token_label": …, "key_label": …}``, PIN in
    ``<unit_code>.pass``) for a token. A unit with neither is not signed ("chưa ký").
    ``trust_dir`` holds the CA certificates (PEM/DER) incoming signatures must chain to, and
    any CRLs (``*.crl``) the province downloads. See docs/deployment.md.
    """

    enabled: bool = True  # sign confirmed results of units that have a key
    keys_dir: Path = Path("var/signing")
    trust_dir: Path = Path("var/trust")
    tsa_url: str = ""  # RFC 3161 time-stamp authority: PAdES B-T instead of B-B
    tsa_timeout_seconds: float = 10.0
    # Embed the chain's revocation data in the signed PDF (PAdES B-LT; needs trust_dir's CA
    # and reachable or local revocation data).
    embed_validation_info: bool = False
    fetch_revocation: bool = False  # ask OCSP/CRL servers online when verifying and for B-LT
    verify_incoming: bool = True  # check the signatures of PDFs that come in
    stamp_font: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    location: str = "Việt Nam"
    retry_seconds: list[int] = Field(default_factory=lambda: [60, 600, 3600, 21600])
    batch_size: int = Field(default=50, ge=1)  # results signed per maintenance pass


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
    codes: CodesSettings = Field(default_factory=CodesSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    reocr: ReocrSettings = Field(default_factory=ReocrSettings)
    signing: SigningSettings = Field(default_factory=SigningSettings)

    @classmethod
    def rooted_at(cls, data_dir: Path, **overrides: object) -> Settings:
        """Settings whose local files live under ``data_dir`` (demo, tests), except what the
        environment or ``overrides`` set explicitly: ``SOHOA_INDEX__URL`` pointing at PostgreSQL
        stays PostgreSQL, never a SQLite file under the folder."""
        data_dir = Path(data_dir)
        base = cls(**overrides)  # type: ignore[arg-type]
        base.data_dir = data_dir
        if "local_root" not in base.storage.model_fields_set:
            base.storage.local_root = data_dir / "objects"
        if "url" not in base.index.model_fields_set:
            base.index.url = f"sqlite:///{data_dir / 'sohoa.db'}"
        if "drop_dirs" not in base.watch.model_fields_set:
            base.watch.drop_dirs = [data_dir / "drop"]
        if "work_dir" not in base.watch.model_fields_set:
            base.watch.work_dir = data_dir / "intake"
        if "keys_dir" not in base.signing.model_fields_set:
            base.signing.keys_dir = data_dir / "signing"
        if "trust_dir" not in base.signing.model_fields_set:
            base.signing.trust_dir = data_dir / "trust"
        return base
