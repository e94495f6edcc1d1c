"""Where a dropped file's dossier context comes from: a JSON sidecar or its folder path.

``scan.pdf.json`` next to ``scan.pdf`` wins; otherwise ``<unit>/<dossier code>/<component>.pdf``
under the drop folder. A malformed dossier code is a rejection, never a guess.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from schemas.dossiers import DOSSIER_CODE_PATTERN, DossierContext
from schemas.errors import InvalidDossierContext

SIDECAR_SUFFIX = ".json"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def write_sidecar(path: Path, context: DossierContext) -> Path:
    """What a counter application (or the demo) writes next to a scan."""
    target = sidecar_path(path)
    target.write_text(context.model_dump_json(indent=2), encoding="utf-8")
    return target


def _problems(error: ValidationError) -> str:
    """The validators' own sentences (Vietnamese), without pydantic's boilerplate."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)[:300]


def _from_sidecar(sidecar: Path) -> DossierContext:
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidDossierContext(f"{sidecar.name}: không đọc được JSON ({exc})"[:300]) from exc
    try:
        return DossierContext.model_validate(data)
    except ValidationError as exc:
        raise InvalidDossierContext(f"{sidecar.name}: {_problems(exc)}") from exc


def _from_folders(path: Path, drop_root: Path) -> DossierContext | None:
    try:
        parts = path.relative_to(drop_root).parts
    except ValueError:
        return None
    if len(parts) != 3:
        return None
    unit, code, _ = parts
    if not DOSSIER_CODE_PATTERN.match(code):
        raise InvalidDossierContext(f"thư mục {code!r} không phải mã hồ sơ")
    try:
        return DossierContext(dossier_code=code, component=path.stem, unit_code=unit)
    except ValidationError as exc:
        raise InvalidDossierContext(f"{code}: {_problems(exc)}") from exc


def context_for(path: Path, drop_root: Path) -> DossierContext | None:
    """The dossier context of a dropped file, or None when the file carries none."""
    sidecar = sidecar_path(path)
    if sidecar.exists():
        return _from_sidecar(sidecar)
    return _from_folders(path, drop_root)
