"""Pictures staff upload for messages: checked, resized and compressed to LINE's limits, then put in
the media store (core/media_store.py).

LINE's limits (Messaging API reference, image message and flex image): the picture is fetched over
https, JPEG or PNG; `originalContentUrl` at most 10 MB (older clients: 1024 x 1024 px and 1 MB),
`previewImageUrl` at most 1 MB (older clients: 240 x 240 px); a flex hero at most 1024 x 1024 px.
So every upload becomes two JPEGs that meet the strictest of these: the picture, longest side at most
1024 px and at most 1 MB, and its preview, longest side at most 240 px. A transparent PNG is laid on
white. Names are the upload's hash: `<hash>.o.jpg` and `<hash>.p.jpg`, so the preview's address
follows from the picture's (`preview_url`), whichever store holds them.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.field_errors import FieldErrors

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1024
PREVIEW_SIDE = 240
MAX_BYTES = 1024 * 1024
MAX_PIXELS = 40_000_000  # a bigger picture is refused before it is decoded (a decompression bomb)
ORIGINAL, PREVIEW = ".o.jpg", ".p.jpg"


@dataclass(frozen=True)
class Prepared:
    name: str  # <hash>.o.jpg
    original: bytes
    preview: bytes
    width: int
    height: int


def _problem(field: str, zh: str, en: str) -> FieldErrors:
    return FieldErrors.one(field, f"{zh} {en}", code="image")


def _jpeg(img: Image.Image, side: int, limit: int) -> bytes:
    img = img.copy()
    img.thumbnail((side, side), Image.LANCZOS)
    for quality in (88, 80, 72, 64, 56, 48, 40):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        if out.tell() <= limit:
            return out.getvalue()
    while True:  # still too big (a very noisy picture): make it smaller
        img.thumbnail((int(img.width * 0.8), int(img.height * 0.8)), Image.LANCZOS)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=40, optimize=True)
        if out.tell() <= limit:
            return out.getvalue()


def prepare(data: bytes, field: str = "image_file") -> Prepared:
    """A JPEG or PNG upload -> the picture and its preview as LINE takes them; FieldErrors if it is not one."""
    if not data:
        raise _problem(field, "請選擇圖片檔。", "Choose a picture file.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _problem(field, "圖片檔超過 10 MB。", "The picture is larger than 10 MB.")
    try:
        img = Image.open(io.BytesIO(data))
        if img.format not in ("JPEG", "PNG"):
            raise _problem(field, "只接受 JPEG 或 PNG 圖片。", "Only JPEG or PNG pictures.")
        if img.width * img.height > MAX_PIXELS:
            raise _problem(field, "圖片的像素太多。", "The picture has too many pixels.")
        img.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise _problem(field, "無法讀取這個檔案：請上傳 JPEG 或 PNG 圖片。",
                       "This file cannot be read: upload a JPEG or PNG picture.") from None
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.split()[3])
        img = flat
    else:
        img = img.convert("RGB")
    original = _jpeg(img, MAX_SIDE, MAX_BYTES)
    preview = _jpeg(img, PREVIEW_SIDE, MAX_BYTES)
    with Image.open(io.BytesIO(original)) as done:
        width, height = done.size
    return Prepared(hashlib.sha256(data).hexdigest()[:32] + ORIGINAL, original, preview, width, height)


def save(store, data: bytes, field: str = "image_file") -> str:
    """Prepare an upload and put both pictures in the store; returns the picture's address."""
    p = prepare(data, field)
    store.put(p.name.replace(ORIGINAL, PREVIEW), p.preview, "image/jpeg")
    return store.put(p.name, p.original, "image/jpeg")


def preview_url(url: str | None) -> str | None:
    """The preview's address of an uploaded picture; any other address is its own preview."""
    if url and url.endswith(ORIGINAL):
        return url[: -len(ORIGINAL)] + PREVIEW
    return url
