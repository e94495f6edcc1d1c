"""The viewer's API: every page of a result, the fields with their boxes, the OCR text, audited
once per opening; pages without a stored image rendered from the original (TIFF, PDF)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from storage import keys
from storage.index.audit import read_audit
from tests.api_fixtures import BIRTH, OTHER_UNIT, ApiEnv, api_fixture  # noqa: F401
from tests.viewer_helpers import (
    NAME_BOX,
    pdf_pages,
    seed_original_only,
    sha_of,
    store_reading,
    tiff_pages,
)

UNSURE = {**BIRTH, "full_name": "NGUYEN VAN DUC"}


def _audit(api: ApiEnv, action: str) -> list[tuple[str, str]]:
    with api.index.session() as session:
        return [(e.username, e.query) for e in read_audit(session, action=action)]


def test_pages_give_each_page_its_text_and_the_fields_their_boxes(api: ApiEnv) -> None:
    result_id = api.seed(UNSURE, needs_review=True)
    sha = sha_of(api.index, result_id)
    store_reading(api.store, sha, pages=2)
    api.store.put_bytes(keys.searchable_pdf_key(sha, 1), b"%PDF-1.4 text", "application/pdf")
    headers = api.headers("canbo1")
    response = api.client.get(f"/api/results/{result_id}/pages", headers=headers)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["page_count"] == 2 and view["doc_type_label"] == "Giấy khai sinh"
    first, second = view["pages"]
    assert first["image_url"] == f"/api/results/{result_id}/pages/1"
    assert (first["width"], first["height"], first["from_original"]) == (600, 800, False)
    assert "NGUYEN" in first["text"]
    assert second["from_original"] is True and second["width"] is None  # no image stored
    fields = {f["name"]: f for f in view["fields"]}
    name = fields["full_name"]
    assert name["label"] == "Họ và tên"
    assert name["page"] == 1 and name["box"] == NAME_BOX.model_dump()
    assert name["value"] == "NGUYEN VAN DUC" and name["confidence"] == 0.6
    assert fields["date_of_birth"]["kind"] == "date"
    assert fields["mother_name"]["box"] is None  # a value with no machine reading
    assert [f["name"] for f in view["fields"]][:3] == [
        "registration_number",
        "full_name",
        "date_of_birth",
    ]
    assert view["searchable_pdf_url"] == f"/api/results/{result_id}/searchable.pdf"
    assert view["original_url"] == f"/api/results/{result_id}/original"

    image = api.client.get(first["image_url"], headers=headers)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert "no-store" in image.headers["cache-control"]
    with Image.open(BytesIO(image.content)) as page:
        assert page.size == (600, 800)
    assert api.client.get(first["image_url"], headers=headers).status_code == 200
    # One opening, however many page images it shows.
    assert _audit(api, "view_document") == [("canbo1", f"result={result_id}")]


def test_a_page_image_fetched_without_opening_is_audited_once(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    headers = api.headers("canbo1")
    for _ in range(3):
        assert (
            api.client.get(f"/api/results/{result_id}/pages/1", headers=headers).status_code == 200
        )
    assert _audit(api, "view_document") == [("canbo1", f"result={result_id}")]
    api.client.get(f"/api/results/{result_id}/pages/1", headers=api.headers("lanhdao"))
    assert len(_audit(api, "view_document")) == 2  # another person: another opening


def test_pages_of_another_unit_look_missing_and_the_attempt_is_audited(api: ApiEnv) -> None:
    theirs = api.seed(BIRTH, unit_code=OTHER_UNIT)
    for path in ("pages", "pages/1"):
        refused = api.client.get(f"/api/results/{theirs}/{path}", headers=api.headers("canbo1"))
        missing = api.client.get(f"/api/results/999/{path}", headers=api.headers("canbo1"))
        assert refused.status_code == missing.status_code == 404
        assert refused.json()["code"] == missing.json()["code"]
    assert _audit(api, "view_refused") == [("canbo1", f"result={theirs}")] * 2
    assert _audit(api, "view_document") == []
    shared = api.seed(BIRTH, unit_code=OTHER_UNIT, shared=True, tag="shared")
    assert api.client.get(f"/api/results/{shared}/pages", headers=api.headers("canbo1")).is_success
    assert api.client.get("/api/results/1/pages").status_code == 401


def test_a_tiff_without_page_images_is_rendered_from_the_original(api: ApiEnv) -> None:
    result_id = seed_original_only(
        api.index, api.store, tiff_pages(3), "ho so.tif", "image/tiff", BIRTH
    )
    headers = api.headers("canbo1")
    view = api.client.get(f"/api/results/{result_id}/pages", headers=headers).json()
    assert view["page_count"] == 3
    assert all(p["from_original"] for p in view["pages"])
    assert all(f["box"] is None for f in view["fields"])
    response = api.client.get(f"/api/results/{result_id}/pages/2", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(BytesIO(response.content)) as page:
        assert page.size == (400, 560)
    sha = sha_of(api.index, result_id)
    assert api.store.exists(keys.view_image_key(sha, 1, 2))  # rendered once, then kept
    again = api.client.get(f"/api/results/{result_id}/pages/2", headers=headers)
    assert again.content == response.content
    assert api.client.get(f"/api/results/{result_id}/pages/4", headers=headers).status_code == 404
    assert api.client.get(f"/api/results/{result_id}/pages/0", headers=headers).status_code == 404


def test_a_multipage_pdf_page_is_rendered_by_poppler(api: ApiEnv) -> None:
    result_id = seed_original_only(
        api.index, api.store, pdf_pages(2), "ho so.pdf", "application/pdf", BIRTH
    )
    headers = api.headers("canbo1")
    view = api.client.get(f"/api/results/{result_id}/pages", headers=headers).json()
    assert view["page_count"] == 2 and view["searchable_pdf_url"] is None
    response = api.client.get(f"/api/results/{result_id}/pages/2", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(BytesIO(response.content)) as page:
        width, height = page.size
    assert height > width > 1000  # an A4 page at the OCR resolution, not a thumbnail
