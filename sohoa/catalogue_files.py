"""Reading a procedure catalogue, or a unit list, from the files a province admin has.

JSON is the ``schemas.catalogue.Catalogue`` model. A CSV or an xlsx sheet is a table with
one row per required component (the procedure's columns repeated; a procedure with no
component has one row with the component empty), or a unit table (``ma_don_vi``,
``ten_don_vi``). Headers are the ASCII Vietnamese names below or their English equivalents;
document types may be written as codes (``birth_certificate``) or as their Vietnamese names
(``Giấy khai sinh``). A file names its errors by row, in Vietnamese, and nothing is imported
from a file with an error.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.catalogue import Catalogue, Procedure, RequiredComponent, UnitName
from schemas.fields import DOC_TYPE_LABELS_VI, DocType
from schemas.vietnamese import fold

MAX_FILE_BYTES = 10 * 1024 * 1024

# Header → field; the English names are accepted too.
PROCEDURE_COLUMNS = {
    "ma_tthc": "code",
    "ten_tthc": "name",
    "linh_vuc": "field",
    "cap": "level",
    "ma_quoc_gia": "national",
    "co_ket_qua": "issues_result",
    "loai_ket_qua": "result_doc_type",
    "thanh_phan": "component",
    "bat_buoc": "mandatory",
    "loai_giay_to": "doc_types",
    "trong_vong_ngay": "issued_within_days",
    "con_hieu_luc": "must_be_unexpired",
}
UNIT_COLUMNS = {"ma_don_vi": "unit_code", "ten_don_vi": "unit_name"}
# The English header is the field name itself.
_ENGLISH = {name: name for name in (*PROCEDURE_COLUMNS.values(), *UNIT_COLUMNS.values())}
_LEVELS = {"xa": "commune", "cap xa": "commune", "huyen": "district", "tinh": "province"}
_YES = {"1", "x", "co", "có", "true", "yes", "y", "c"}
_NO = {"0", "", "khong", "không", "false", "no", "n", "k"}
_DOC_TYPES_BY_LABEL = {label.casefold(): kind.value for kind, label in DOC_TYPE_LABELS_VI.items()}


class CatalogueFileError(ValueError):
    """The file cannot be imported as it is; the message says where and why, in Vietnamese."""


def default_catalogue() -> Catalogue:
    """The 20+ common commune/ward procedures sohoa ships with (used until an import)."""
    text = resources.files("sohoa.data").joinpath("catalogue.json").read_text(encoding="utf-8")
    return Catalogue.model_validate_json(text)


def read_catalogue_file(path: Path) -> Catalogue:
    """A catalogue (procedures, units or both) from a .json, .csv or .xlsx file."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CatalogueFileError(f"tệp lớn hơn {MAX_FILE_BYTES // 1024 // 1024} MB")
    return read_catalogue_bytes(path.name, path.read_bytes())


def read_catalogue_bytes(filename: str, content: bytes) -> Catalogue:
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        try:
            return Catalogue.model_validate_json(content)
        except ValidationError as exc:
            raise CatalogueFileError(_describe(exc, "tệp JSON")) from exc
    return catalogue_from_rows(table_rows(filename, content))


def table_rows(filename: str, content: bytes) -> Iterator[list[str]]:
    """The rows of a .csv file, or of every sheet of an .xlsx (each sheet after a marker row
    ``["#sheet", title]``); CatalogueFileError for any other kind."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(content)
    if suffix == ".xlsx":
        return _xlsx_rows(content)
    raise CatalogueFileError(
        f"không đọc được loại tệp {suffix or '(không đuôi)'}: dùng .json, .csv, .xlsx"
    )


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        raise CatalogueFileError("tệp CSV phải lưu dạng UTF-8 (CSV UTF-8 trong Excel)") from exc
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """Every sheet's rows, one table after another (a sheet starts with its header row)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueFileError("không mở được tệp Excel (.xlsx)") from exc
    for sheet in book.worksheets:
        yield ["#sheet", sheet.title]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row]


def _header(row: list[str]) -> dict[int, str] | None:
    """Column positions → field names, if this row is a procedure or unit header."""
    known = {**PROCEDURE_COLUMNS, **UNIT_COLUMNS, **_ENGLISH}
    names = {i: known.get(cell.strip().lower()) for i, cell in enumerate(row)}
    found = {i: name for i, name in names.items() if name}
    if {"code", "name"} <= set(found.values()) or {"unit_code", "unit_name"} <= set(found.values()):
        return found
    return None


def catalogue_from_rows(rows: Iterable[list[str]]) -> Catalogue:
    """Tables of procedure rows and/or unit rows (each under its own header) → a catalogue."""
    procedures: dict[str, dict[str, Any]] = {}
    units: list[UnitName] = []
    header: dict[int, str] | None = None
    place = "tệp"
    line = 0
    for row in rows:
        line += 1
        if row[:1] == ["#sheet"]:
            place, header, line = f"trang {row[1]!r}", None, 0
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = _header(row)
            if header is None:
                raise CatalogueFileError(
                    f"{place}, dòng {line}: không có dòng tiêu đề (ma_tthc, ten_tthc, … "
                    "hoặc ma_don_vi, ten_don_vi)"
                )
            continue
        values = {name: row[i].strip() for i, name in header.items() if i < len(row)}
        try:
            if "unit_code" in values:
                units.append(UnitName(code=values["unit_code"], name=values.get("unit_name", "")))
            else:
                _add_procedure_row(procedures, values)
        except (ValidationError, ValueError) as exc:
            raise CatalogueFileError(f"{place}, dòng {line}: {_describe(exc)}") from exc
    try:
        return Catalogue(
            procedures=[Procedure.model_validate(p) for p in procedures.values()], units=units
        )
    except ValidationError as exc:
        raise CatalogueFileError(_describe(exc, place)) from exc


def _add_procedure_row(procedures: dict[str, dict[str, Any]], values: dict[str, str]) -> None:
    code = values.get("code", "")
    if not code:
        raise ValueError("thiếu mã thủ tục")
    procedure = procedures.get(code)
    if procedure is None:
        procedure = procedures[code] = {
            "code": code,
            "name": values.get("name", ""),
            "field": values.get("field", ""),
            "level": _LEVELS.get(fold(values.get("level", "")), values.get("level") or "commune"),
            "national": _flag(values.get("national", "1")),
            "issues_result": _flag(values.get("issues_result", "1")),
            "result_doc_type": _doc_type(values["result_doc_type"])
            if values.get("result_doc_type")
            else None,
            "components": [],
        }
        Procedure.model_validate(procedure)  # a bad procedure column is named on its own row
    if values.get("component"):
        within = values.get("issued_within_days", "")
        component = RequiredComponent(
            name=values["component"],
            mandatory=_flag(values.get("mandatory", "1")),
            doc_types=[DocType(_doc_type(t)) for t in _split(values.get("doc_types", ""))],
            issued_within_days=int(float(within)) if within else None,
            must_be_unexpired=_flag(values.get("must_be_unexpired", "1")),
        )
        procedure["components"].append(component.model_dump())


def _split(value: str) -> list[str]:
    return [
        part.strip()
        for part in value.replace(";", ",").replace("|", ",").split(",")
        if part.strip()
    ]


def _doc_type(value: str) -> str:
    value = value.strip()
    if value in {kind.value for kind in DocType}:
        return value
    by_label = _DOC_TYPES_BY_LABEL.get(value.casefold())
    if by_label is None:
        known = ", ".join(kind.value for kind in DocType)
        raise ValueError(f"loại giấy tờ {value!r} không có; dùng một trong: {known}")
    return by_label


def _flag(value: str) -> bool:
    folded = value.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(f"giá trị {value!r} phải là có/không (1/0)")


def _describe(error: ValidationError | ValueError, where: str = "") -> str:
    if isinstance(error, ValidationError):
        parts = []
        for item in error.errors():
            location = ".".join(str(p) for p in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            parts.append(f"{location}: {message}" if location else message)
        text = "; ".join(parts)
    else:
        text = str(error)
    return f"{where}: {text}" if where else text


def catalogue_json(catalogue: Catalogue) -> str:
    return json.dumps(catalogue.model_dump(mode="json"), ensure_ascii=False, indent=1)
