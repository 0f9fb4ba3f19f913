from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Online payment")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from marketplace.payments import checks  # noqa: F401
