"""The ground floor: helpers every app shares (storage, uploads, identifiers, mail, exports, access).

Imports Django, Oscar and Wagtail only, never one of our apps.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from django.urls import register_converter

        from core.converters import DatabaseIdConverter

        # Before any URL module is read (they are read on the first request or reverse()).
        register_converter(DatabaseIdConverter, "id")

        from core.uploads import SafeImageField, limit_pillow_decoding

        limit_pillow_decoding()
        # Wagtail's profile picture (employers upload one too) is a plain ImageField: check it like ours.
        from wagtail.admin.forms.account import AvatarPreferencesForm

        avatar = AvatarPreferencesForm.base_fields["avatar"]
        AvatarPreferencesForm.base_fields["avatar"] = SafeImageField(label=avatar.label, required=False)
