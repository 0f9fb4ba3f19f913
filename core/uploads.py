"""Validation of uploaded documents and images: size, real content type, no bombs, no SVG or HTML.

The extension alone proves nothing: the first bytes must match, a picture must open with
Pillow and its pixel count, read from the header, must be within UPLOAD_MAX_IMAGE_PIXELS
before anything is decoded (a 140 KB PNG can unpack to gigabytes). SVG, HTML and pictures
carrying a page or a script (polyglots) are refused whatever they are called. The checks
return the extension of the type they verified, so the file is stored under a generated
name that says what it really is (``core.files.generated_name``).
"""

import math
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from core.files import generated_name

# Pillow format → extensions; the first one is used for stored names.
IMAGE_FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
DOCUMENT_IMAGE_EXTENSIONS = ("jpg", "png")
# Markup at the start of a file: an SVG or a page, whatever the file is called.
_MARKUP_START = (b"<svg", b"<?xml", b"<html", b"<!doctype", b"<head", b"<body", b"<script")
# Markers of a page or a script anywhere in a picture (a polyglot is a picture and a page at once);
# long enough never to occur by chance in compressed picture data.
_ACTIVE_CONTENT = (b"<script", b"<html", b"<iframe", b"<!doctype", b"<object", b"<embed")
_CHUNK = 256 * 1024


def limit_pillow_decoding() -> None:
    """Make Pillow refuse to open a picture over UPLOAD_MAX_IMAGE_PIXELS, wherever it is opened.

    Pillow only warns above ``MAX_IMAGE_PIXELS`` (and raises above twice it); the warning
    becomes an error, so sorl thumbnails, Wagtail renditions and Django's ImageField never
    decode a picture over our limit — a 140 KB PNG can unpack to gigabytes.
    """
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def _read_head(upload, size: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _has_active_content(upload) -> bool:
    longest = max(len(marker) for marker in _ACTIVE_CONTENT)
    upload.seek(0)
    carry = b""
    try:
        while chunk := upload.read(_CHUNK):
            window = (carry + chunk).lower()
            if any(marker in window for marker in _ACTIVE_CONTENT):
                return True
            carry = window[-(longest - 1) :]
        return False
    finally:
        upload.seek(0)


def _check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def _pixel_limit_params() -> dict:
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    return {"megapixels": f"{limit / 1_000_000:g}", "side": math.isqrt(limit)}


def validate_image(upload, *, limit: int | None = None) -> str:
    """A JPEG, PNG or WebP picture within the size and pixel limits; returns its extension (``jpg``…).

    Reads the header only: the pixel count is checked before anything is decoded, and
    ``verify()`` checks the file's structure without decoding the picture.
    """
    limit = limit or settings.UPLOAD_MAX_IMAGE_BYTES
    _check_size(upload, limit)
    head = _read_head(upload).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in head for marker in _MARKUP_START):
        raise ValidationError(_("SVG and HTML files are not accepted; upload a JPEG or PNG picture."), code="svg")
    if _has_active_content(upload):
        raise ValidationError(
            _("The picture contains web page code; save it again as a plain JPEG or PNG picture."),
            code="active_content",
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Our own pixel limit is checked below from the header; Pillow's warning only repeats it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _(
                            "The picture is %(width)s×%(height)s pixels; at most %(megapixels)s million pixels "
                            "(e.g. %(side)s×%(side)s) are accepted. Make it smaller and upload it again."
                        ),
                        code="too_many_pixels",
                        params={"width": width, "height": height, **_pixel_limit_params()},
                    )
                image_format = image.format
                image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _(
                "The picture has far more than %(megapixels)s million pixels (at most %(side)s×%(side)s). "
                "Make it smaller and upload it again."
            ),
            code="bomb",
            params=_pixel_limit_params(),
        ) from None
    except Exception:
        raise ValidationError(_("The file is not a picture we can read (JPEG or PNG)."), code="not_image") from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Only JPEG, PNG or WebP pictures are accepted."), code="image_format")
    return IMAGE_FORMATS[image_format][0]


def validate_document(upload, *, limit: int | None = None) -> str:
    """A PDF, or a JPEG or PNG picture as in :func:`validate_image` (scans of licences and certificates).

    Returns the verified type's extension: ``pdf``, ``jpg`` or ``png``.
    """
    limit = limit or settings.UPLOAD_MAX_DOCUMENT_BYTES
    _check_size(upload, limit)
    head = _read_head(upload, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    try:
        extension = validate_image(upload, limit=limit)
    except ValidationError as error:
        if error.code in ("file_too_large", "too_many_pixels", "bomb", "svg", "active_content"):
            raise
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="document_type") from None
    if extension not in DOCUMENT_IMAGE_EXTENSIONS:
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="document_type")
    return extension


def document_file_validators():
    """Model-field validators of an uploaded document (licence, certificate scan, evidence): PDF, JPEG, PNG.

    The extension only; ``validate_document`` checks the content when the form takes the file.
    """
    from django.core.validators import FileExtensionValidator

    return [FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])]


def is_new_upload(value) -> bool:
    """True for a file uploaded in this request, false for the stored file a form shows again."""
    return bool(value) and hasattr(value, "content_type")


class SafeImageField(forms.ImageField):
    """An image form field that runs :func:`validate_image` before Django opens the picture.

    The upload is renamed to a generated name with the verified extension, so what is stored
    is called what it is. Used by the Oscar dashboard, the Django admin and our own forms.
    """

    name_prefix = ""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        if is_new_upload(data):
            extension = validate_image(data)
            data.name = generated_name(extension, prefix=self.name_prefix)
        return super().to_python(data)
