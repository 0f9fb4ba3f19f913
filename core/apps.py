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
