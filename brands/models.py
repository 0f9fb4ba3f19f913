"""Regional public brands (区域公用品牌) and the cooperatives authorised to use them (授权使用).

A geographical indication (农产品地理标志, or a GI collective/certification trademark) is
registered for a region and held by one body, usually an association (e.g. 百色市芒果协会);
the cooperatives of that region use it once the holder authorises them. A product shows
the brand only while its cooperative's authorisation is verified, not revoked, and the
brand itself verified and valid: ``brands.selectors.live_product_brands`` is that rule.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage
from core.uploads import document_file_validators
from core.validity import is_valid_on, valid_on_q


class RegionalBrandQuerySet(models.QuerySet):
    def live(self, on: datetime.date | None = None):
        """Verified by staff and valid on ``on`` (today by default)."""
        return self.filter(valid_on_q(on), verified=True)


class RegionalBrand(models.Model):
    """A regional public brand (区域公用品牌), e.g. 百色芒果 (农产品地理标志 AGI…)."""

    name = models.CharField(_("name"), max_length=64)
    slug = models.SlugField(_("pinyin"), max_length=64, unique=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=64,
        unique=True,
        help_text=_("Agricultural geographical indication (AGI and five digits) or the GI trademark's number."),
    )
    holder = models.CharField(
        _("holder"), max_length=128, help_text=_("The registered holder, e.g. an association of the region.")
    )
    region = models.ManyToManyField(
        "partner.County", verbose_name=_("region"), related_name="regional_brands", blank=True
    )
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(
        _("registration certificate"),
        upload_to="brands/%Y/%m/",
        storage=private_storage,
        blank=True,
        validators=document_file_validators(),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty for long-term."))
    verified = models.BooleanField(_("verified by staff"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = RegionalBrandQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("regional brand")
        verbose_name_plural = _("regional brands")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="regional_brand_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("brands:detail", kwargs={"slug": self.slug})

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        return is_valid_on(self.valid_from, self.valid_until, day)


class AuthorisationStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REVOKED = "revoked", _("Revoked")


#: Statuses of an authorisation that still counts: one of them per brand and cooperative.
OPEN_STATUSES = (AuthorisationStatus.AWAITING, AuthorisationStatus.VERIFIED)


class BrandAuthorisation(models.Model):
    """A cooperative's authorisation to use a regional brand (授权使用, 准用证), checked by staff."""

    brand = models.ForeignKey(
        RegionalBrand, verbose_name=_("regional brand"), on_delete=models.CASCADE, related_name="authorisations"
    )
    cooperative = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="brand_authorisations",
    )
    evidence = models.FileField(
        _("authorisation letter or licence"),
        upload_to="brands/authorisations/%Y/%m/",
        storage=private_storage,
        blank=True,
        validators=document_file_validators(),
        help_text=_("The holder's letter of authorisation (授权使用书) or the licence to use the mark (准用证)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AuthorisationStatus.choices, default=AuthorisationStatus.AWAITING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ("brand", "-requested_at")
        verbose_name = _("brand authorisation")
        verbose_name_plural = _("brand authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "cooperative"],
                condition=Q(status__in=["awaiting", "verified"]),
                name="brand_authorisation_one_open",
                violation_error_message=_("This cooperative already has an authorisation for this brand."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} · {self.cooperative}"


class ProductBrand(models.Model):
    """A product sold under a regional brand; shown only while its cooperative's authorisation is live."""

    product = models.ForeignKey(
        "catalogue.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="brand_links"
    )
    brand = models.ForeignKey(
        RegionalBrand, verbose_name=_("regional brand"), on_delete=models.CASCADE, related_name="product_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product brand")
        verbose_name_plural = _("product brands")
        constraints = [models.UniqueConstraint(fields=["product", "brand"], name="product_brand_unique")]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.brand_id}"
