"""Validation of uploaded documents and images: size, real content type, no bombs, no SVG.

The extension alone proves nothing: the first bytes must match, images must open with
Pillow under a pixel limit (a decompression bomb is refused before it is decoded), and
SVG or HTML is refused whatever it is called.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

IMAGE_FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}


def _read_head(upload, size: int = 1024) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def _check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def validate_image(upload, *, limit: int | None = None) -> None:
    """A JPEG, PNG or WebP image that Pillow can open, within the size and pixel limits."""
    limit = limit or settings.UPLOAD_MAX_IMAGE_BYTES
    _check_size(upload, limit)
    head = _read_head(upload)
    if b"<svg" in head.lower() or b"<?xml" in head.lower() or b"<html" in head.lower():
        raise ValidationError(_("SVG and HTML files are not accepted; upload a JPEG or PNG picture."), code="svg")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("The picture is %(width)s×%(height)s pixels; it must be smaller."),
                        code="too_many_pixels",
                        params={"width": width, "height": height},
                    )
                image_format = image.format
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The picture is too large to process."), code="bomb") from None
    except Exception:
        raise ValidationError(_("The file is not a picture we can read (JPEG or PNG)."), code="not_image") from None
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Only JPEG, PNG or WebP pictures are accepted."), code="image_format")


def validate_document(upload, *, limit: int | None = None) -> None:
    """A PDF, or a picture as in :func:`validate_image` (scans of licences and certificates)."""
    limit = limit or settings.UPLOAD_MAX_DOCUMENT_BYTES
    _check_size(upload, limit)
    head = _read_head(upload, 8)
    if head.startswith(b"%PDF-"):
        return
    try:
        validate_image(upload, limit=limit)
    except ValidationError as error:
        if error.code in ("file_too_large", "too_many_pixels", "bomb", "svg"):
            raise
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="document_type") from None
