"""The separator sheet: `sohoa separator` writes a PDF whose QR code reads back after scanning."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from pipeline.codes import decode_codes
from pipeline.codes_payloads import SeparatorQr, separator_of
from pipeline.tools import poppler
from schemas.dossiers import DigitizationKind
from sohoa.cli import app
from sohoa.samples import COUNTER, HARSH, DegradeProfile, degrade
from sohoa.separator_sheet import render_separator

CODE = "000.00.20.H12-240315-0007"
COMPONENT = "Tờ khai đăng ký khai sinh (bản chính, có chữ ký người đi khai)"


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.uint8)


def test_command_writes_a_pdf_whose_code_reads_back_at_150_dpi(tmp_path: Path) -> None:
    out = tmp_path / "sep.pdf"
    args = ["separator", "--dossier", CODE, "--component", COMPONENT, "--procedure", "1.001193"]
    result = CliRunner().invoke(app, [*args, "--result", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert poppler.pdf_info(out).pages == 1
    page = poppler.render_page(out, 1, dpi=150)
    sheet = separator_of(decode_codes(_gray(page)))
    assert sheet == SeparatorQr(
        dossier_code=CODE,
        component=COMPONENT,
        procedure_code="1.001193",
        kind=DigitizationKind.RESULT,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--dossier", "000.00.20.H12-2403-7", "--component", "Giấy khai sinh"],
        ["--dossier", CODE, "--component", "Giấy | khai sinh"],
        ["--dossier", CODE, "--component", "   "],
    ],
)
def test_command_rejects_bad_input(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "sep.pdf"
    result = CliRunner().invoke(app, ["separator", *args, "--output", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


@pytest.mark.parametrize(
    "profile",
    [
        DegradeProfile(dpi=200, skew_degrees=3.0, blur_sigma=0.8, noise_sigma=5.0, jpeg_quality=70),
        HARSH.model_copy(update={"dpi": 200}),
        COUNTER.model_copy(update={"rotate": 180}),
    ],
)
def test_sheet_survives_a_200_dpi_scan_read_at_100_dpi(profile: DegradeProfile) -> None:
    sheet = SeparatorQr(dossier_code=CODE, component="Giấy chứng nhận kết hôn")
    scanned = degrade(render_separator(sheet), profile, random.Random(1))
    dpi = scanned.info["dpi"][0]
    size = (round(scanned.width * 100 / dpi), round(scanned.height * 100 / dpi))
    small = scanned.resize(size)
    assert separator_of(decode_codes(_gray(small))) == sheet
