"""Storage for files that must never have a public URL (licences, certificate scans).

They live under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so a web server serving
/media/ cannot expose them; views hand them out after a permission check.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks permission.")


_private = PrivateFileSystemStorage()


def private_storage() -> PrivateFileSystemStorage:
    return _private
