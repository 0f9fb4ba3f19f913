from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "marketplace.procurement"
    label = "procurement"
    verbose_name = _("Budget-unit procurement")
    default_auto_field = "django.db.models.AutoField"
