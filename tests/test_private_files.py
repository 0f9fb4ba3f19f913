"""Licences and certificate scans are stored outside MEDIA_ROOT and have no public URL."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from partners.models import Certification, CooperativeApplication


@pytest.mark.parametrize(
    "field",
    [
        CooperativeApplication._meta.get_field("business_licence"),
        CooperativeApplication._meta.get_field("food_licence"),
        Certification._meta.get_field("scan"),
    ],
)
def test_private_documents_live_outside_media_and_have_no_url(field):
    name = field.storage.save("applications/licence.pdf", ContentFile(b"%PDF-1.4 test"))
    stored = Path(field.storage.path(name))
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(ValueError):
        field.storage.url(name)
