"""Object names: content-addressed originals, versioned derived artefacts, strict validation."""

from __future__ import annotations

import pytest

from storage import keys

SHA = "0123456789abcdef" * 4


def test_original_key() -> None:
    assert keys.original_key(SHA) == f"originals/{SHA}"
    assert keys.parse_original_key(keys.original_key(SHA)) == SHA


def test_derived_keys_live_under_their_version() -> None:
    prefix = f"derived/{SHA}/v2/"
    assert keys.derived_root(SHA) == f"derived/{SHA}/"
    assert keys.derived_prefix(SHA, 2) == prefix
    assert keys.page_image_key(SHA, 2, 1) == prefix + "page-0001.png"
    assert keys.page_image_key(SHA, 2, 37) == prefix + "page-0037.png"
    assert keys.text_key(SHA, 2) == prefix + "text.json"
    assert keys.searchable_pdf_key(SHA, 2) == prefix + "searchable.pdf"
    assert keys.fields_key(SHA, 2) == prefix + "fields.json"
    assert keys.thumbnail_key(SHA, 2) == prefix + "thumbnail.jpg"


def test_page_keys_sort_in_page_order() -> None:
    pages = [keys.page_image_key(SHA, 1, n) for n in (10, 2, 1, 100)]
    assert sorted(pages) == [keys.page_image_key(SHA, 1, n) for n in (1, 2, 10, 100)]


def test_version_prefix_does_not_cover_other_versions() -> None:
    assert not keys.text_key(SHA, 10).startswith(keys.derived_prefix(SHA, 1))


@pytest.mark.parametrize(
    "bad", ["", "abc", SHA.upper(), SHA[:-1], SHA + "0", "g" * 64, f" {SHA[1:]}", None, 12]
)
def test_bad_sha256_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        keys.original_key(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        keys.derived_prefix(bad, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, True, 1.0, "1", None])
def test_bad_version_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        keys.derived_prefix(SHA, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        keys.text_key(SHA, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -3, True, 2.0])
def test_bad_page_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        keys.page_image_key(SHA, 1, bad)  # type: ignore[arg-type]


def test_parsing() -> None:
    assert keys.parse_derived_key(keys.fields_key(SHA, 3)) == keys.DerivedKey(SHA, 3, "fields.json")
    assert keys.parse_derived_key(keys.derived_prefix(SHA, 3)) == keys.DerivedKey(SHA, 3, "")
    assert keys.parse_derived_key(keys.original_key(SHA)) is None
    assert keys.parse_derived_key(f"derived/{SHA}/v0/text.json") is None
    assert keys.parse_original_key(keys.text_key(SHA, 1)) is None
    assert keys.parse_original_key(f"originals/{SHA}/x") is None


def test_derived_version_prefix_recognised_exactly() -> None:
    assert keys.is_derived_version_prefix(keys.derived_prefix(SHA, 4))
    for other in (
        keys.derived_root(SHA),
        keys.derived_prefix(SHA, 4).rstrip("/"),
        keys.text_key(SHA, 4),
        keys.DERIVED_ROOT,
        keys.ORIGINALS_ROOT,
        "",
        f"derived/{SHA}/v04/",
    ):
        assert not keys.is_derived_version_prefix(other), other
