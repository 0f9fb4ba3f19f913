from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """One fulfilment per (order, cooperative): shipping, acceptance, evaluation, settlement."""

    name = "marketplace.fulfilment"
    label = "fulfilment"
    verbose_name = _("Fulfilment and settlement")
