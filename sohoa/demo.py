"""``sohoa demo``: the whole path on embedded defaults, over generated sample scans.

Generates Vietnamese civil documents into a drop folder with their dossier context, ingests and
processes each, prints what was extracted, reuses one result in a new dossier, then reports.
"""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.tools.probe import probe_tools
from schemas.dossiers import DigitizationKind, DossierContext
from schemas.fields import DOC_TYPE_LABELS_VI, DocType
from schemas.settings import Settings
from schemas.vietnamese import mask_id_number
from sohoa.demo_report import print_demo_report
from sohoa.samples import (
    COUNTER,
    SampleDocument,
    build_document,
    degrade,
    render,
    sample_rng,
    variants_of,
    write_sample,
)
from sohoa.samples.writer import Format
from storage.index.results import find_by_id_number
from storage.index.reuse import attach_result
from workers.context import context_for, write_sidecar
from workers.intake import ingest_file
from workers.queues import open_queue
from workers.services import Services

DEMO_UNIT = "000.00.20.H12"
FORMATS: tuple[Format, ...] = ("pdf", "jpeg", "png", "tiff")
PROCEDURES = {
    DocType.ID_CARD: ("1.001612", "Hộ tịch"),
    DocType.BIRTH_CERTIFICATE: ("1.001193", "Hộ tịch"),
    DocType.MARRIAGE_CERTIFICATE: ("1.000894", "Hộ tịch"),
    DocType.DEATH_CERTIFICATE: ("1.000656", "Hộ tịch"),
    DocType.MARITAL_STATUS_CERTIFICATE: ("1.004873", "Hộ tịch"),
}


CERTIFICATES = (
    DocType.BIRTH_CERTIFICATE,
    DocType.MARRIAGE_CERTIFICATE,
    DocType.DEATH_CERTIFICATE,
    DocType.MARITAL_STATUS_CERTIFICATE,
)


def demo_document(seed: int, index: int) -> tuple[SampleDocument, DigitizationKind]:
    """Even files are the applicant's ID card (a component), odd ones the certificate issued."""
    rng = sample_rng(seed, index)
    if index % 2 == 0:
        cards = variants_of(DocType.ID_CARD)
        return build_document(DocType.ID_CARD, rng, cards[index // 2 % len(cards)]), (
            DigitizationKind.COMPONENT
        )
    certificate = CERTIFICATES[index // 2 % len(CERTIFICATES)]
    return build_document(certificate, rng), DigitizationKind.RESULT


def generate_drop(drop: Path, count: int, seed: int, received: date) -> list[Path]:
    """Sample scans in mixed formats, two per dossier, each with a sidecar giving its context."""
    drop.mkdir(parents=True, exist_ok=True)
    files = []
    for index in range(count):
        doc, kind = demo_document(seed, index)
        image = degrade(render(doc), COUNTER, random.Random(seed * 1000 + index))
        fmt = FORMATS[index % len(FORMATS)]
        path = write_sample(doc, image, drop, f"scan-{index + 1:02d}", fmt)
        certificate = CERTIFICATES[index // 2 % len(CERTIFICATES)]
        procedure, field = PROCEDURES[certificate]
        write_sidecar(
            path,
            DossierContext(
                dossier_code=f"{DEMO_UNIT}-{received:%y%m%d}-{index // 2 + 1:04d}",
                component=DOC_TYPE_LABELS_VI[doc.doc_type],
                procedure_code=procedure,
                field=field,
                kind=kind,
            ),
        )
        files.append(path)
    return files


def process_drop(files: list[Path], drop: Path, services: Services, console: Console) -> None:
    queue = open_queue(services)
    progress = Progress(
        TextColumn("[bold]Số hóa[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
    )
    with progress:
        task = progress.add_task("", total=len(files))
        for path in files:
            progress.update(task, description=path.name)
            receipt = ingest_file(path, context_for(path, drop), services)
            if receipt.needs_processing:
                queue.enqueue_scan(receipt.scan_id)
            progress.advance(task)


def print_results(services: Services, console: Console) -> None:
    """Every sample with all its extracted fields, one block per file (fits 80 columns)."""
    from sqlalchemy import select

    from storage.index.tables import Result, Scan

    console.rule("Kết quả số hóa / digitized results")
    with services.index.session() as session:
        rows = session.execute(
            select(Scan, Result)
            .join(Result, (Result.scan_id == Scan.id) & Result.is_current.is_(True), isouter=True)
            .order_by(Scan.id)
        ).all()
        for scan, result in rows:
            if result is None:
                console.print(f"[bold]{scan.filename}[/]  [red]{scan.state}[/] {scan.error_code}")
                continue
            verdict = "[yellow]cần kiểm tra[/]" if result.needs_review else "[green]đạt[/]"
            console.print(
                f"[bold]{scan.filename}[/]  {DOC_TYPE_LABELS_VI[DocType(result.doc_type)]}"
                f"  {verdict}  (tin cậy {result.mean_confidence:.2f})"
            )
            for name, value in result.fields.items():
                console.print(f"    {name:<24} {value}", highlight=False)
            if result.review_reasons:
                console.print(f"    [yellow]lý do: {'; '.join(result.review_reasons)}[/]")


def reuse_one(services: Services, received: date, console: Console) -> None:
    """A citizen comes back: find their ID card by number and attach it to a new dossier."""
    from sqlalchemy import select

    from storage.index.tables import Result

    with services.index.session() as session:
        card = session.scalars(
            select(Result).where(
                Result.doc_type == DocType.ID_CARD.value,
                Result.is_current.is_(True),
                Result.owner_id_number.is_not(None),
            )
        ).first()
        if card is None or card.owner_id_number is None:
            console.print("[yellow]Không có căn cước nào để khai thác lại.[/]")
            return
        found = find_by_id_number(session, card.owner_id_number)
        context = DossierContext(
            dossier_code=f"{DEMO_UNIT}-{received:%y%m%d}-0099",
            component="Căn cước công dân",
            procedure_code=PROCEDURES[DocType.MARRIAGE_CERTIFICATE][0],
            field="Hộ tịch",
        )
        attach_result(session, found[0].id, context, "demo")
    console.print(
        f"Khai thác lại: căn cước số {mask_id_number(card.owner_id_number)} "
        f"→ hồ sơ {context.dossier_code} (không cần quét lại)."
    )


def run_demo(data_dir: Path, *, count: int, seed: int, keep: bool, console: Console) -> None:
    if data_dir.exists() and not keep:
        shutil.rmtree(data_dir)
    settings = Settings.rooted_at(data_dir)
    versions = probe_tools(settings.ocr)
    console.print(f"[dim]{versions.tesseract} · {versions.poppler} · dữ liệu: {data_dir}[/]")
    services = Services.open(settings)
    received = date.today()
    drop = settings.watch.drop_dirs[0]
    files = generate_drop(drop, count, seed, received)
    console.print(f"Đã tạo {len(files)} tệp quét mẫu trong {drop}")
    process_drop(files, drop, services, console)
    print_results(services, console)
    reuse_one(services, received, console)
    print_demo_report(services, console)
