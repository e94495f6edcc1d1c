"""``sohoa user add``, ``sohoa search`` and ``sohoa attach``: same rules and audit as the API."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from schemas.settings import Settings
from sohoa.cli import app
from storage.index.audit import read_audit
from storage.index.db import Index
from storage.index.users import authenticate
from storage.objects.local import LocalObjectStore
from tests.api_fixtures import BIRTH, CITIZEN_ID, DOSSIER, EXPIRED_CARD, seed_result

runner = CliRunner()


def _prepared(tmp_path: Path) -> tuple[Path, Index]:
    data = tmp_path / "data"
    added = runner.invoke(
        app,
        [
            *("user", "add", "canbo1", "--role", "staff", "--unit", "000.00.20.H12"),
            *("--password", "mat-khau-123", "--data-dir", str(data)),
        ],
    )
    assert added.exit_code == 0, added.output
    settings = Settings.rooted_at(data)
    index = Index(settings.index.url)
    return data, index


def test_user_add_creates_a_verifiable_account(tmp_path: Path) -> None:
    data, index = _prepared(tmp_path)
    with index.session() as session:
        staff = authenticate(session, "canbo1", "mat-khau-123")
    assert staff is not None and staff.unit_code == "000.00.20.H12"
    duplicate = runner.invoke(
        app,
        ["user", "add", "canbo1", "--unit", "X", "--password", "12345678", "--data-dir", str(data)],
    )
    assert duplicate.exit_code == 2 and "đã tồn tại" in duplicate.output
    weak = runner.invoke(
        app, ["user", "add", "canbo9", "--unit", "X", "--password", "123", "--data-dir", str(data)]
    )
    assert weak.exit_code == 2


def test_accounts_are_listed_disabled_enabled_repassworded_and_re_roled(tmp_path: Path) -> None:
    data, index = _prepared(tmp_path)
    where = ["--data-dir", str(data)]

    def run(*args: str) -> str:
        done = runner.invoke(app, ["user", *args, *where])
        assert done.exit_code == 0, done.output
        return done.output

    assert "canbo1" in run("list") and "đang dùng" in run("list")
    assert "mọi phiên" in run("disable", "canbo1")
    assert "đã khóa" in run("list")
    with index.session() as session:
        assert authenticate(session, "canbo1", "mat-khau-123") is None
    run("enable", "canbo1")
    run("passwd", "canbo1", "--password", "mat-khau-moi-456")
    with index.session() as session:
        assert authenticate(session, "canbo1", "mat-khau-123") is None
        assert authenticate(session, "canbo1", "mat-khau-moi-456") is not None
    assert "supervisor" in run("role", "canbo1", "--role", "supervisor")
    missing = runner.invoke(app, ["user", "disable", "khong-co", *where])
    assert missing.exit_code == 2 and "không có tài khoản" in missing.output


def test_search_and_attach_from_the_command_line(tmp_path: Path) -> None:
    data, index = _prepared(tmp_path)
    store = LocalObjectStore(Settings.rooted_at(data).storage.local_root)
    result_id = seed_result(index, store, BIRTH)
    expired_id = seed_result(index, store, EXPIRED_CARD, doc_type="id_card")
    found = runner.invoke(
        app,
        [
            "search",
            "--user",
            "canbo1",
            "--id-number",
            CITIZEN_ID,
            "--json",
            "--data-dir",
            str(data),
        ],
    )
    assert found.exit_code == 0, found.output
    assert [card["id"] for card in json.loads(found.output)] == [result_id]
    table = runner.invoke(
        app,
        [
            *("search", "--user", "canbo1", "--name", "Le Van An", "--dob", "01/05/1990"),
            *("--data-dir", str(data)),
        ],
        env={"COLUMNS": "200"},
    )
    assert table.exit_code == 0 and "Hết hiệu lực" in table.output
    attached = runner.invoke(
        app,
        [
            *("attach", str(result_id), "--user", "canbo1", "--dossier", DOSSIER),
            *("--component", "Giấy khai sinh", "--data-dir", str(data)),
        ],
    )
    assert attached.exit_code == 0, attached.output
    assert "Thành phần đã tái sử dụng: 1" in attached.output
    refused = runner.invoke(
        app,
        [
            *("attach", str(expired_id), "--user", "canbo1", "--dossier", DOSSIER),
            *("--component", "Căn cước", "--data-dir", str(data)),
        ],
    )
    assert refused.exit_code == 1 and "hết hiệu lực" in refused.output
    with index.session() as session:
        actions = [entry.action for entry in read_audit(session, username="canbo1")]
    assert actions == ["attach_refused", "attach", "search", "search"]


def test_bad_input_and_unknown_user_exit_2(tmp_path: Path) -> None:
    data, _ = _prepared(tmp_path)
    short = runner.invoke(
        app, ["search", "--user", "canbo1", "--id-number", "12345", "--data-dir", str(data)]
    )
    assert short.exit_code == 2 and "12 chữ số" in short.output
    nobody = runner.invoke(
        app, ["search", "--user", "ai-do", "--id-number", CITIZEN_ID, "--data-dir", str(data)]
    )
    assert nobody.exit_code == 2
    two_modes = runner.invoke(
        app,
        [
            *("search", "--user", "canbo1", "--id-number", CITIZEN_ID, "--document", "1"),
            *("--data-dir", str(data)),
        ],
    )
    assert two_modes.exit_code == 2
    bad_code = runner.invoke(
        app,
        [
            *("attach", "1", "--user", "canbo1", "--dossier", "xyz", "--component", "A"),
            *("--data-dir", str(data)),
        ],
    )
    assert bad_code.exit_code == 2 and "MÃĐV-YYMMDD-NNNN" in bad_code.output
