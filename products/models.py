"""Certified products (Oscar catalogue fork, label ``catalogue``).

Our classes first, Oscar's ``import *`` last.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from core.storage import private_storage


class StorageType(models.TextChoices):
    """Storage type (储存方式); cold storage later means cold-chain shipping."""

    AMBIENT = "ambient", _("Ambient")
    CHILLED = "chilled", _("Chilled")
    FROZEN = "frozen", _("Frozen")


TRACE_CODE_MAX_LENGTH = 64
_trace_code_format = RegexValidator(
    r"\A[0-9A-Za-z][0-9A-Za-z._-]*\Z",
    _("A traceability code has only letters, digits, “-”, “_” and “.”, and begins with a letter or digit."),
    code="trace_code_format",
)


def validate_trace_code(value: str) -> None:
    """Traceability code (追溯码) as it appears in the trace page's URL: no spaces, slashes or other signs."""
    _trace_code_format(value)


class ListingStatus(models.TextChoices):
    """Listing states (上架状态): draft → under review → listed → delisted."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Under review")
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")


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
        through="ProductCertification",
    )
    listing_status = models.CharField(
        _("listing status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    listing_note = models.CharField(_("listing note"), max_length=255, blank=True)
    reviewed_price = models.DecimalField(
        _("price when last reviewed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    storage_type = models.CharField(
        _("storage type"), max_length=10, choices=StorageType.choices, default=StorageType.AMBIENT
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    specification = models.CharField(_("specification"), max_length=128, blank=True, help_text=_("e.g. 5 kg per bag"))
    traceability_code = models.CharField(
        _("traceability code"),
        max_length=TRACE_CODE_MAX_LENGTH,
        blank=True,
        validators=[validate_trace_code],
        help_text=_("As printed on the packaging (letters, digits, - _ .); each code belongs to one product."),
    )

    class Meta(AbstractProduct.Meta):
        constraints = [
            # One product per trace code whatever its case: the QR code on the packaging opens its page.
            models.UniqueConstraint(
                Lower("traceability_code"),
                condition=~Q(traceability_code=""),
                name="product_traceability_code_unique",
                violation_error_message=_("Another product already uses this traceability code."),
            )
        ]


class ProductCertification(models.Model):
    """A certificate shown on a product; if ``listing_depends`` the product is delisted when it lapses."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    certification = models.ForeignKey("partner.Certification", on_delete=models.CASCADE)
    listing_depends = models.BooleanField(_("listing depends on it"), default=True)

    class Meta:
        verbose_name = _("product certification")
        constraints = [
            models.UniqueConstraint(fields=["product", "certification"], name="product_certification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.certification_id}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _("Apply the valid rows, report the others")
    ALL_OR_NOTHING = "all_or_nothing", _("Apply nothing if any row is wrong")


class ProductImport(models.Model):
    """A bulk upload of a cooperative's products (CSV or XLSX, with a zip of images)."""

    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.FileField(_("product file"), upload_to="imports/%Y/%m/", storage=private_storage)
    images = models.FileField(_("images (zip)"), upload_to="imports/%Y/%m/", storage=private_storage, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=ImportMode.choices, default=ImportMode.VALID_ROWS)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("product import")

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.source.name}"


from oscar.apps.catalogue.models import *  # noqa: E402,F401,F403
