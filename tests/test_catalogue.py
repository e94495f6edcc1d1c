"""The procedure catalogue: what sohoa ships, and a province's own imported as versions."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from schemas.catalogue import Catalogue
from schemas.fields import DocType
from sohoa.catalogue_files import CatalogueFileError, default_catalogue, read_catalogue_bytes
from sohoa.cli import app
from sohoa.procedure_catalogue import SHIPPED_VERSION, catalogue_in_use, import_catalogue_file
from storage.index.catalogue import list_versions, stored_catalogue
from storage.index.db import Index
from tests.api_fixtures import ApiEnv, api_fixture  # noqa: F401

CSV_HEADER = (
    "ma_tthc;ten_tthc;linh_vuc;cap;ma_quoc_gia;co_ket_qua;loai_ket_qua;thanh_phan;bat_buoc;"
    "loai_giay_to;trong_vong_ngay;con_hieu_luc\n"
)
CSV_ROWS = (
    "1.000894;Đăng ký kết hôn;Hộ tịch;xã;1;1;marriage_certificate;Tờ khai đăng ký kết hôn;1;;;1\n"
    "1.000894;Đăng ký kết hôn;Hộ tịch;xã;1;1;marriage_certificate;Căn cước của hai bên;1;"
    "Căn cước / CCCD / CMND;;1\n"
    "1.000894;Đăng ký kết hôn;Hộ tịch;xã;1;1;marriage_certificate;Xác nhận tình trạng hôn nhân;"
    "không;marital_status_certificate;180;1\n"
    "XA.01;Xác nhận cư trú;Cư trú;xã;0;1;;;;;;\n"
)


@pytest.fixture
def index(tmp_path: Path) -> Index:
    opened = Index(f"sqlite:///{tmp_path / 'index.db'}")
    opened.create_schema()
    return opened


def test_the_shipped_catalogue_has_the_common_commune_procedures() -> None:
    catalogue = default_catalogue()
    assert len(catalogue.procedures) >= 20
    names = " | ".join(p.name for p in catalogue.procedures)
    for expected in (
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
        "xác nhận tình trạng hôn nhân",
        "Chứng thực bản sao",
        "Chứng thực chữ ký",
        "cư trú",
    ):
        assert expected.casefold() in names.casefold(), expected
    marriage = catalogue.procedure("1.000894")
    assert marriage is not None and marriage.result_doc_type is DocType.MARRIAGE_CERTIFICATE
    reusable = {t for c in marriage.components for t in c.doc_types}
    assert {DocType.ID_CARD, DocType.BIRTH_CERTIFICATE} <= reusable
    status = next(
        c for c in marriage.components if DocType.MARITAL_STATUS_CERTIFICATE in c.doc_types
    )
    assert status.issued_within_days == 180


def test_a_csv_import_is_a_new_version_and_an_identical_one_adds_none(index: Index) -> None:
    content = ("\ufeff" + CSV_HEADER + CSV_ROWS).encode()  # Excel's "CSV UTF-8" BOM
    with index.session() as session:
        assert catalogue_in_use(session).version == SHIPPED_VERSION
        first = import_catalogue_file(session, "thu_tuc.csv", content, by="quantri")
        again = import_catalogue_file(session, "thu_tuc.csv", content, by="quantri")
    assert first.created and first.procedure_count == 2
    assert not again.created and again.version == first.version
    with index.session() as session:
        stored = catalogue_in_use(session)
    marriage = stored.catalogue.procedure("1.000894")
    assert marriage is not None and stored.version == first.version
    assert [c.name for c in marriage.components] == [
        "Tờ khai đăng ký kết hôn",
        "Căn cước của hai bên",
        "Xác nhận tình trạng hôn nhân",
    ]
    card, status = marriage.components[1], marriage.components[2]
    assert card.doc_types == [DocType.ID_CARD] and card.mandatory  # the Vietnamese label read
    assert status.issued_within_days == 180 and not status.mandatory
    local = stored.catalogue.procedure("XA.01")
    assert local is not None and not local.national and local.components == []


def test_an_update_keeps_the_earlier_version_readable(index: Index) -> None:
    with index.session() as session:
        import_catalogue_file(session, "a.csv", (CSV_HEADER + CSV_ROWS).encode(), by="quantri")
        changed = CSV_ROWS.replace("Xác nhận cư trú", "Xác nhận thông tin về cư trú")
        second = import_catalogue_file(session, "b.csv", (CSV_HEADER + changed).encode(), by="a")
        versions = list_versions(session)
        old = stored_catalogue(session, versions[1])
    assert second.created and [v.id for v in versions] == [second.version, second.version - 1]
    assert old.catalogue.procedure("XA.01").name == "Xác nhận cư trú"  # type: ignore[union-attr]
    assert old.source == "a.csv"


def test_an_xlsx_with_procedures_and_units_sheets_is_read(index: Index) -> None:
    book = Workbook()
    procedures = book.active
    assert procedures is not None
    procedures.title = "Thủ tục"
    procedures.append(["ma_tthc", "ten_tthc", "linh_vuc", "thanh_phan", "loai_giay_to"])
    procedures.append(["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Tờ khai", None])
    procedures.append(["1.001193", "Đăng ký khai sinh", "Hộ tịch", "CCCD người đi khai", "id_card"])
    units = book.create_sheet("Đơn vị")
    units.append(["ma_don_vi", "ten_don_vi"])
    units.append(["000.00.20.H12", "UBND phường Phú Mỹ"])
    out = io.BytesIO()
    book.save(out)
    with index.session() as session:
        outcome = import_catalogue_file(session, "danh_muc.xlsx", out.getvalue(), by="quantri")
        stored = catalogue_in_use(session)
    assert (outcome.procedure_count, outcome.unit_count) == (1, 1)
    assert stored.catalogue.units[0].name == "UBND phường Phú Mỹ"
    # A later unit-only file keeps the procedures; a procedure-only file keeps the units.
    with index.session() as session:
        units_only = "ma_don_vi,ten_don_vi\n000.00.20.H13,UBND xã Hòa An\n".encode()
        import_catalogue_file(session, "don_vi.csv", units_only, by="quantri")
        stored = catalogue_in_use(session)
    assert [p.code for p in stored.catalogue.procedures] == ["1.001193"]
    assert [u.code for u in stored.catalogue.units] == ["000.00.20.H13"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (CSV_HEADER + CSV_ROWS.replace("marital_status_certificate", "giay_la"), "dòng 4"),
        (CSV_HEADER + CSV_ROWS.replace(";không;", ";có lẽ;"), "có/không"),
        ("ten;tuoi\nA;3\n", "dòng 1: không có dòng tiêu đề"),
    ],
)
def test_a_bad_file_names_the_row_and_imports_nothing(
    index: Index, content: str, expected: str
) -> None:
    with index.session() as session, pytest.raises(CatalogueFileError, match=expected):
        import_catalogue_file(session, "thu_tuc.csv", content.encode(), by="quantri")
    with index.session() as session:
        assert list_versions(session) == []


def test_json_round_trips_and_duplicate_codes_are_refused() -> None:
    shipped = default_catalogue()
    text = json.dumps(shipped.model_dump(mode="json"), ensure_ascii=False).encode()
    assert read_catalogue_bytes("c.json", text) == shipped
    doubled = {"procedures": [shipped.procedures[0].model_dump(mode="json")] * 2}
    with pytest.raises(CatalogueFileError, match="lặp lại"):
        read_catalogue_bytes("c.json", json.dumps(doubled).encode())
    assert isinstance(read_catalogue_bytes("c.json", b"{}"), Catalogue)


def test_only_an_admin_imports_through_the_api(api: ApiEnv) -> None:
    body = (CSV_HEADER + CSV_ROWS).encode()
    refused = api.client.post(
        "/api/catalogue", params={"filename": "t.csv"}, content=body, headers=api.headers("lanhdao")
    )
    assert refused.status_code == 403
    done = api.client.post(
        "/api/catalogue", params={"filename": "t.csv"}, content=body, headers=api.headers("quantri")
    )
    assert done.status_code == 200, done.text
    assert done.json()["created"] is True
    bad = api.client.post(
        "/api/catalogue",
        params={"filename": "t.csv"},
        content="ma_tthc,ten_tthc\n,Thiếu mã\n".encode(),
        headers=api.headers("quantri"),
    )
    assert bad.status_code == 422 and "dòng 2" in bad.text
    shown = api.client.get("/api/catalogue", headers=api.headers("canbo1")).json()
    assert shown["version"] == done.json()["version"]
    assert [p["code"] for p in shown["procedures"]] == ["1.000894", "XA.01"]
    versions = api.client.get("/api/catalogue/versions", headers=api.headers("quantri")).json()
    assert versions[0]["imported_by"] == "quantri" and versions[0]["source"] == "t.csv"


def test_the_cli_shows_imports_and_lists_versions(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "data")
    shown = runner.invoke(app, ["catalogue", "show", "--json", "--data-dir", data])
    assert shown.exit_code == 0, shown.output
    edited = json.loads(shown.output)
    edited["procedures"] = edited["procedures"][:3]
    source = tmp_path / "ba_thu_tuc.json"
    source.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    imported = runner.invoke(app, ["catalogue", "import", str(source), "--data-dir", data])
    assert imported.exit_code == 0, imported.output
    assert "phiên bản 1: 3 thủ tục" in imported.output
    listed = runner.invoke(app, ["catalogue", "versions", "--data-dir", data])
    assert "ba_thu_tuc.json" in listed.output
    broken = tmp_path / "hong.csv"
    broken.write_text("ma_tthc,ten_tthc,cap\n1.1,Tên,vũ trụ\n", encoding="utf-8")
    refused = runner.invoke(app, ["catalogue", "import", str(broken), "--data-dir", data])
    assert refused.exit_code == 2 and "dòng 2" in refused.output
