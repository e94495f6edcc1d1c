"""Subcommands of ``sohoa`` that live outside ``sohoa.cli`` (reuse, serve, users)."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console

from schemas.errors import SohoaError
from schemas.settings import Settings
from sohoa.errors import EXIT_INPUT_REJECTED, exit_code

console = Console()
err_console = Console(stderr=True)


def load_settings(data_dir: Path | None) -> Settings:
    return Settings.rooted_at(data_dir) if data_dir else Settings()


def fail(error: SohoaError) -> typer.Exit:
    """Print the error in both languages; exit with the code its class maps to."""
    err_console.print(f"[bold red]Lỗi / error:[/] {error.staff_message()}")
    return typer.Exit(exit_code(error))


def reject(error: ValidationError | ValueError) -> typer.Exit:
    """Invalid input given on the command line: the validator's Vietnamese sentence, exit 2."""
    if isinstance(error, ValidationError):
        lines = [str(item["msg"]).removeprefix("Value error, ") for item in error.errors()]
    else:
        lines = [str(error)]
    for line in lines:
        err_console.print(f"[bold red]Dữ liệu không hợp lệ:[/] {line}")
    return typer.Exit(EXIT_INPUT_REJECTED)
