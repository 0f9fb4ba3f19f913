"""Kept for the migrations that name ``marketplace.storage.private_storage``; the storage lives in core."""

from core.storage import PrivateFileSystemStorage, private_storage

__all__ = ["PrivateFileSystemStorage", "private_storage"]
