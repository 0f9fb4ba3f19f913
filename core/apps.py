"""The ground floor: helpers every app shares (storage, uploads, identifiers, mail, exports, access).

Imports Django, Oscar and Wagtail only, never one of our apps.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from django.urls import register_converter

        from core import checks  # noqa: F401  (registers the production checks)
        from core.converters import DatabaseIdConverter
        from core.pdf import pdf_fetching_refused
        from core.sites import site_follows_url
        from core.uploads import SafeImageField, limit_pillow_decoding

        # Before any URL module is read (they are read on the first request or reverse()).
        register_converter(DatabaseIdConverter, "id")
        post_migrate.connect(site_follows_url, sender=self, dispatch_uid="core.site_follows_url")
        limit_pillow_decoding()
        pdf_fetching_refused()
        # Wagtail's profile picture (employers upload one too) is a plain ImageField: check it like ours.
        from wagtail.admin.forms.account import AvatarPreferencesForm

        avatar = AvatarPreferencesForm.base_fields["avatar"]
        AvatarPreferencesForm.base_fields["avatar"] = SafeImageField(label=avatar.label, required=False)
