"""Viewing the original scan and the first-page thumbnail of a result."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from storage import keys
from storage.index.audit import read_audit
from storage.index.tables import Scan
from tests.api_fixtures import BIRTH, OTHER_UNIT, ApiEnv, api_fixture  # noqa: F401


def test_thumbnail_is_made_once_and_cached(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    response = api.client.get(f"/api/results/{result_id}/thumbnail", headers=api.headers("canbo1"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    with Image.open(BytesIO(response.content)) as image:
        assert image.size[0] <= 240 and image.size[1] <= 320
    with api.index.session() as session:
        sha = session.get(Scan, 1).sha256  # type: ignore[union-attr]
    assert api.store.exists(keys.thumbnail_key(sha, 1))
    again = api.client.get(f"/api/results/{result_id}/thumbnail", headers=api.headers("canbo1"))
    assert again.content == response.content


def test_missing_page_image_is_404(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH, with_page=False)
    response = api.client.get(f"/api/results/{result_id}/thumbnail", headers=api.headers("canbo1"))
    assert response.status_code == 404


def test_original_is_streamed_from_the_local_store_and_audited(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)
    response = api.client.get(f"/api/results/{result_id}/original", headers=api.headers("canbo1"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.4")
    assert "khai%20sinh.pdf" in response.headers["content-disposition"]
    with api.index.session() as session:
        [entry] = read_audit(session, action="view_original")
    assert entry.username == "canbo1" and entry.citizen_hash


def test_presigned_store_answers_with_a_redirect(api: ApiEnv) -> None:
    result_id = api.seed(BIRTH)

    class Presigning:
        def __getattr__(self, name: str) -> object:
            return getattr(api.store, name)

        def presigned_url(self, key: str, seconds: int | None = None) -> str:
            return f"http://minio.local/sohoa/{key}?X-Amz-Signature=abc"

    api.client.app.state.sohoa.store = Presigning()  # type: ignore[attr-defined]
    response = api.client.get(
        f"/api/results/{result_id}/original",
        headers=api.headers("canbo1"),
        follow_redirects=False,
    )
    assert response.status_code == 307
    assert response.headers["location"].startswith("http://minio.local/sohoa/originals/")


def test_files_of_other_units_look_missing_and_the_attempt_is_audited(api: ApiEnv) -> None:
    theirs = api.seed(BIRTH, unit_code=OTHER_UNIT)
    for kind in ("original", "thumbnail"):
        refused = api.client.get(f"/api/results/{theirs}/{kind}", headers=api.headers("canbo1"))
        missing = api.client.get(f"/api/results/999/{kind}", headers=api.headers("canbo1"))
        assert refused.status_code == missing.status_code == 404  # no hint that it exists
        assert refused.json()["code"] == missing.json()["code"]
    entries = api.client.get("/api/audit?action=view_refused", headers=api.headers("quantri"))
    assert [(e["username"], e["query"]) for e in entries.json()] == [
        ("canbo1", f"result={theirs}"),
        ("canbo1", f"result={theirs}"),
    ]


def test_citizen_data_is_never_cached_and_every_answer_carries_security_headers(
    api: ApiEnv,
) -> None:
    result_id = api.seed(BIRTH)
    headers = api.headers("canbo1")
    for path in (f"/api/results/{result_id}/thumbnail", "/api/me"):
        response = api.client.get(path, headers=headers)
        assert response.status_code == 200
        assert "no-store" in response.headers["cache-control"], path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    refused = api.client.get("/api/me")  # errors too
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
