"""``sohoa separator``: print the sheet that splits a batch scan into dossier components."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from pipeline.codes_payloads import SeparatorQr
from schemas.dossiers import DigitizationKind, parse_dossier_code
from sohoa.commands import console, reject


def separator(
    dossier: Annotated[str, typer.Option(help="Mã hồ sơ, vd 000.00.20.H12-240315-0007")],
    component: Annotated[str, typer.Option(help='Tên thành phần hồ sơ, vd "Giấy khai sinh"')],
    output: Annotated[Path, typer.Option(help="Tệp PDF để in")],
    procedure: Annotated[str, typer.Option(help="Mã thủ tục hành chính")] = "",
    result: Annotated[bool, typer.Option("--result", help="Là kết quả giải quyết")] = False,
) -> None:
    """Tạo tờ phân cách hồ sơ (PDF để in) / make a separator sheet for batch scanning."""
    from sohoa.separator_sheet import write_separator_pdf

    try:
        parse_dossier_code(dossier)
        sheet = SeparatorQr(
            dossier_code=dossier.strip(),
            component=" ".join(component.split()),
            procedure_code=procedure.strip(),
            kind=DigitizationKind.RESULT if result else DigitizationKind.COMPONENT,
        )
        if not sheet.component:
            raise ValueError("tên thành phần hồ sơ không được để trống")
        sheet.payload()  # refuses '|' inside a value
    except (ValidationError, ValueError) as error:
        raise reject(error) from error
    write_separator_pdf(sheet, output)
    console.print(f"Đã tạo tờ phân cách: {output} ({sheet.dossier_code} — {sheet.component})")
