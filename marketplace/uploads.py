"""The upload checks live in core (``core.uploads``); this name is kept for older imports."""

from core.uploads import IMAGE_FORMATS, SafeImageField, validate_document, validate_image

__all__ = ["IMAGE_FORMATS", "SafeImageField", "validate_document", "validate_image"]
