"""``sohoa verify FILE`` and ``sohoa sign RESULT_ID``: digital signatures (issue #24).

``verify`` checks any PDF's signatures against the deployment's trust anchors (plus ``--trust``
files) and exits 0 only when every one is intact and trusted (see ``sohoa.errors``). ``sign``
(administrators, on the server) signs a stored result's copy again with its unit's key, or
with ``--pending`` runs one signing pass (for deployments without an rq worker, e.g. from cron).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.signatures.sign import VIETNAM
from pipeline.signatures.trust import TrustAnchors, anchors_in, certificates_from_files
from pipeline.signatures.verify import verify_pdf
from pipeline.triage import sniff
from schemas.errors import SohoaError
from schemas.signatures import (
    SIGNING_LABELS_VI,
    IncomingSignature,
    SignatureVerdict,
    SigningState,
    worst,
)
from sohoa.commands import console, err_console, fail, load_settings
from sohoa.errors import (
    EXIT_INPUT_REJECTED,
    EXIT_NOT_SIGNED,
    EXIT_SIGNATURE_BROKEN,
    EXIT_SIGNATURE_INVALID_CERT,
    EXIT_SIGNATURE_UNTRUSTED,
)

EXIT_BY_VERDICT: dict[SignatureVerdict, int] = {
    SignatureVerdict.VALID: 0,
    SignatureVerdict.UNTRUSTED: EXIT_SIGNATURE_UNTRUSTED,
    SignatureVerdict.EXPIRED: EXIT_SIGNATURE_INVALID_CERT,
    SignatureVerdict.REVOKED: EXIT_SIGNATURE_INVALID_CERT,
    SignatureVerdict.MODIFIED: EXIT_SIGNATURE_BROKEN,
    SignatureVerdict.TAMPERED: EXIT_SIGNATURE_BROKEN,
    SignatureVerdict.UNVERIFIABLE: EXIT_SIGNATURE_BROKEN,
}


def _say(text: str) -> None:
    console.print(text, soft_wrap=True)  # keys and subjects are copied whole from the terminal


DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]


def verify_exit_code(signatures: list[IncomingSignature]) -> int:
    verdict = worst(signatures)
    return EXIT_NOT_SIGNED if verdict is None else EXIT_BY_VERDICT[verdict]


def _when(signature: IncomingSignature) -> str:
    moment = signature.timestamped_at or signature.signed_at
    if moment is None:
        return "-"
    source = "dấu thời gian / time stamp" if signature.timestamped_at else "máy người ký / signer"
    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M:%S} GMT+7 ({source})"


def verify_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust", exists=True, dir_okay=False, help="Chứng thư CA tin cậy (PEM/DER), lặp lại"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON / print JSON")] = False,
    data_dir: DataDir = None,
) -> None:
    """Kiểm tra chữ ký số của một tệp PDF / verify a PDF's signatures (exit 0: all valid)."""
    settings = load_settings(data_dir)
    with file.open("rb") as handle:
        head = handle.read(1024)
    if sniff(head) is None or b"%PDF-" not in head:
        err_console.print("[bold red]Không phải tệp PDF / not a PDF.[/]")
        raise typer.Exit(EXIT_INPUT_REJECTED)
    configured = anchors_in(settings.signing.trust_dir)
    try:
        extra = certificates_from_files(list(trust or []))
    except (OSError, ValueError) as error:
        err_console.print(f"[bold red]Chứng thư tin cậy không đọc được / bad --trust:[/] {error}")
        raise typer.Exit(EXIT_INPUT_REJECTED) from error
    anchors = TrustAnchors(
        certificates=[*configured.certificates, *extra], crls=configured.crls, folder=None
    )
    signatures = verify_pdf(file, anchors, fetch=settings.signing.fetch_revocation)
    code = verify_exit_code(signatures)
    if as_json:
        rows = [s.model_dump(mode="json") | {"label": s.label} for s in signatures]
        typer.echo(json.dumps({"exit_code": code, "signatures": rows}, ensure_ascii=False))
        raise typer.Exit(code)
    if not signatures:
        _say("Tệp không có chữ ký số / the PDF carries no signature.")
    for number, signature in enumerate(signatures, start=1):
        colour = "green" if signature.ok else "red"
        _say(
            f"[bold]Chữ ký {number}[/] ({signature.field or '-'}): "
            f"[{colour}]{signature.label} / {signature.verdict.value}[/]"
        )
        _say(f"  Người ký / signer: {signature.signer or '-'}")
        _say(f"  Cấp bởi / issuer: {signature.issuer or '-'}")
        _say(f"  Thời điểm ký / signed at: {_when(signature)}")
        if signature.detail:
            _say(f"  Chi tiết / detail: {signature.detail}")
    raise typer.Exit(code)


def sign_command(
    result_id: Annotated[int | None, typer.Argument(help="Mã kết quả cần ký lại")] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Ký các kết quả còn chờ ký / sign what is due")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Ký số lại bản số hóa của một kết quả (quản trị) / re-sign a stored result (admin)."""
    from workers.services import Services
    from workers.signing import sign_pending, sign_result

    if (result_id is None) == (not pending):
        err_console.print(
            "[red]Cho một mã kết quả hoặc --pending / give RESULT_ID or --pending.[/]"
        )
        raise typer.Exit(EXIT_INPUT_REJECTED)
    try:
        services = Services.open(load_settings(data_dir))
        if pending:
            tried = sign_pending(services, max_seconds=3600.0)
            _say(f"Đã thử ký {len(tried)} kết quả / results tried: {tried}")
            return
        assert result_id is not None
        record = sign_result(services, result_id, force=True)
    except SohoaError as error:
        raise fail(error) from error
    if record is None:
        err_console.print(
            "[red]Kết quả chưa được xác nhận, không phải phiên bản hiện hành, hoặc đang được ký "
            "/ not confirmed, not current, or being signed now.[/]"
        )
        raise typer.Exit(EXIT_INPUT_REJECTED)
    label = SIGNING_LABELS_VI.get(record.state.value, record.state.value)
    _say(f"Kết quả {result_id}: {label} / {record.state.value}")
    if record.state is SigningState.SIGNED:
        _say(f"  {record.level} — {record.signer}")
        _say(f"  {record.key}")
        return
    if record.error:
        _say(f"  {record.error}")
    raise typer.Exit(1)
