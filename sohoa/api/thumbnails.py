"""Small previews of a result's first page, made on first request and kept in the store.

The first cleaned page image (``page-0001.png`` of the result's derived version) is scaled to
fit a card; the JPEG is written beside it so later searches cost one object read.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from schemas.errors import NotFound
from storage import keys
from storage.objects.base import ObjectStore

THUMBNAIL_BOX = (240, 320)


def render_thumbnail(page_png: bytes) -> bytes:
    with Image.open(BytesIO(page_png)) as page:
        page.thumbnail(THUMBNAIL_BOX)
        image = page.convert("L" if page.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    out = BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def thumbnail(store: ObjectStore, derived_prefix: str) -> bytes:
    """The cached thumbnail, made now if missing; ``NotFound`` if there is no page image."""
    parsed = keys.parse_derived_key(derived_prefix.rstrip("/") + "/")
    if parsed is None:
        raise NotFound(f"no derived artefacts at {derived_prefix!r}")
    cached = keys.thumbnail_key(parsed.sha256, parsed.version)
    try:
        return store.get_bytes(cached)
    except NotFound:
        pass
    data = render_thumbnail(store.get_bytes(keys.page_image_key(parsed.sha256, parsed.version, 1)))
    store.put_bytes(cached, data, "image/jpeg")
    return data
