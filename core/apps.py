from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the production checks)
        from core.sites import site_follows_url

        post_migrate.connect(site_follows_url, sender=self, dispatch_uid="core.site_follows_url")
