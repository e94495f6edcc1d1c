"""The API documentation page works on a counter network with no way out: no CDN."""

from __future__ import annotations

from tests.api_fixtures import ApiEnv, api_fixture  # noqa: F401


def test_the_docs_page_and_its_assets_come_from_sohoa(api: ApiEnv) -> None:
    page = api.client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        url = f"/api/docs-assets/{asset}"
        assert url in page.text
        answer = api.client.get(url)
        assert answer.status_code == 200 and len(answer.content) > 100_000
    schema = api.client.get("/api/openapi.json").json()
    assert "/api/results/{result_id}/export" in schema["paths"]
