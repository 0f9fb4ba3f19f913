"""Certified products (Oscar catalogue fork, label ``catalogue``).

Our classes first, Oscar's ``import *`` last.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct


class StorageType(models.TextChoices):
    """Storage type (储存方式); cold storage later means cold-chain shipping."""

    AMBIENT = "ambient", _("Ambient")
    CHILLED = "chilled", _("Chilled")
    FROZEN = "frozen", _("Frozen")


class Product(AbstractProduct):
    origin_county = models.ForeignKey(
        "partner.County",
        verbose_name=_("origin county"),
        on_delete=models.PROTECT,
        related_name="products",
        null=True,
        blank=True,
    )
    certifications = models.ManyToManyField(
        "partner.Certification",
        verbose_name=_("certifications"),
        related_name="products",
        blank=True,
    )
    storage_type = models.CharField(
        _("storage type"), max_length=10, choices=StorageType.choices, default=StorageType.AMBIENT
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    specification = models.CharField(_("specification"), max_length=128, blank=True, help_text=_("e.g. 5 kg per bag"))
    traceability_code = models.CharField(_("traceability code"), max_length=64, blank=True)


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
