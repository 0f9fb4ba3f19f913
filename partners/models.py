"""Cooperatives (Oscar's partners), the counties they come from, and their certificates.

Oscar partner fork: our classes first, Oscar's ``import *`` last.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord
from oscar.apps.partner.exceptions import InvalidStockAdjustment
from phonenumber_field.modelfields import PhoneNumberField

from core.models import AuditEvent
from core.storage import private_storage
from core.uploads import document_file_validators
from core.validity import is_valid_on, valid_on_q


class AssistanceLevel(models.TextChoices):
    """Key-assistance level of a county (乡村振兴重点帮扶县)."""

    NATIONAL = "national", _("National key-assistance county")
    REGIONAL = "regional", _("Autonomous-region key-assistance county")
    FORMER_POVERTY = "former_poverty", _("Former poverty county")
    NONE = "none", _("Not assisted")


class County(models.Model):
    """An assisted Guangxi county (帮扶县) and its Guangdong partner (粤桂结对)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    slug = models.SlugField(_("pinyin"), max_length=64, unique=True)
    prefecture = models.CharField(_("prefecture"), max_length=64)
    division_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        blank=True,
        help_text=_("Six digits, as in the unified social credit code (Guangxi codes begin with 45)."),
    )
    assistance_level = models.CharField(
        _("key-assistance level"),
        max_length=20,
        choices=AssistanceLevel.choices,
        default=AssistanceLevel.FORMER_POVERTY,
    )
    former_poverty_county = models.BooleanField(_("former national poverty county"), default=False)
    delisting_batch = models.CharField(_("delisting batch"), max_length=20, blank=True)
    border = models.BooleanField(_("border county"), default=False)
    ethnic_autonomous = models.BooleanField(_("ethnic autonomous county"), default=False)
    regional_key_assistance = models.BooleanField(
        _("autonomous-region key-assistance county"),
        null=True,
        blank=True,
        help_text=_("Empty where the list is not known yet."),
    )
    counts_for_reserved_share = models.BooleanField(
        _("counts for budget units' reserved share"),
        default=False,
        help_text=_(
            "Whether budget units' purchases of its products count toward their reserved share "
            "(the national list of 脱贫县); separate from whether its cooperatives may sell here."
        ),
    )
    old_revolutionary_area = models.BooleanField(_("old revolutionary base area"), default=False)
    former_division_codes = models.CharField(
        _("former division codes"),
        max_length=128,
        blank=True,
        help_text=_(
            "Six-digit codes the county had before it was renamed (e.g. a county that became a district), "
            "separated by spaces or commas; credit codes registered under them are accepted."
        ),
    )
    guangdong_partner = models.CharField(
        _("Guangdong partner"), max_length=128, blank=True, help_text=_("City, district or county paired with it.")
    )
    notes = models.TextField(_("notes"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("county officers"),
        related_name="counties",
        blank=True,
        help_text=_("Staff of the county's agriculture department who recommend applicants."),
    )
    source_confidence = models.CharField(
        _("source confidence"),
        max_length=12,
        choices=[("firm", _("firm")), ("report", _("report")), ("uncertain", _("uncertain"))],
        default="report",
    )

    class Meta:
        ordering = ("prefecture", "name")
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name

    @property
    def is_assisted(self) -> bool:
        return self.assistance_level != AssistanceLevel.NONE

    @property
    def is_key_assistance(self) -> bool:
        """A national or autonomous-region key-assistance county (重点帮扶县)."""
        return self.assistance_level == AssistanceLevel.NATIONAL or bool(self.regional_key_assistance)


class CooperativeKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    COOPERATIVE = "cooperative", _("Farmer cooperative")
    FAMILY_FARM = "family_farm", _("Family farm")
    AGENT = "agent", _("Agent trading firm")


class Partner(AbstractPartner):
    """A cooperative selling on the platform (供应商: 企业, 农民专业合作社, 家庭农场)."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=CooperativeKind.choices, default=CooperativeKind.COOPERATIVE
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("registered county"),
        on_delete=models.PROTECT,
        related_name="cooperatives",
        null=True,
        blank=True,
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    description = models.TextField(_("description"), blank=True)
    households_linked = models.PositiveIntegerField(_("households linked"), default=0)
    farmer_linkage = models.TextField(_("farmer-linkage statement"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), region="CN", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)

    class Meta(AbstractPartner.Meta):
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")

    def get_absolute_url(self) -> str:
        return reverse("catalogue:cooperative", kwargs={"code": self.code})


class InsufficientStock(UnableToPlaceOrder):
    """A line asks for more than is left: the order is not placed (售罄)."""


class StockRecord(AbstractStockRecord):
    """Stock of one product at one cooperative.

    Oscar's ``allocate()`` adds to ``num_allocated`` unconditionally, so two buyers can buy
    the last unit twice. Here every change is one conditional UPDATE whose row count says
    whether it happened: allocation only while ``num_allocated + quantity <= num_in_stock``,
    consumption only of what is allocated and in stock. Callers lock rows in primary-key
    order (``marketplace.fulfilment.stock.lock_stock_records``) so concurrent orders do not deadlock.
    """

    def _conditional_update(self, condition: Q, **changes) -> bool:
        self.pre_save_signal()
        updated = type(self).objects.filter(condition, pk=self.pk).update(**changes)
        self.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        self.post_save_signal()
        return updated == 1

    def allocate(self, quantity):
        if not self.can_track_allocations:
            return
        allocated = Coalesce(F("num_allocated"), 0)
        if not self._conditional_update(Q(num_in_stock__gte=allocated + quantity), num_allocated=allocated + quantity):
            raise InsufficientStock(
                _("Sorry, “%(product)s” has sold out or has fewer than %(quantity)d left.")
                % {"product": self.product.get_title(), "quantity": quantity}
            )

    allocate.alters_data = True

    def consume_allocation(self, quantity):
        """Shipped: the allocation leaves the warehouse (stock and allocation both drop)."""
        if not self.can_track_allocations:
            return
        allocated = Coalesce(F("num_allocated"), 0)
        if not self._conditional_update(
            Q(num_in_stock__gte=quantity) & Q(num_allocated__gte=quantity),
            num_allocated=allocated - quantity,
            num_in_stock=F("num_in_stock") - quantity,
        ):
            raise InvalidStockAdjustment(_("Invalid stock consumption request"))

    consume_allocation.alters_data = True

    def restock(self, quantity):
        """Goods came back (退货入库): they are in stock again."""
        if not self.can_track_allocations:
            return
        self._conditional_update(Q(), num_in_stock=Coalesce(F("num_in_stock"), 0) + quantity)

    restock.alters_data = True


class SchemeCode:
    """Codes of the schemes the platform starts with (rows of ``CertificationScheme``; staff add others)."""

    GREEN_FOOD = "green_food"
    ORGANIC = "organic"
    GEOGRAPHICAL_INDICATION = "gi"
    SPECIALTY = "specialty"
    GBA_BASE = "gba_base"
    COMPLIANCE = "compliance"
    SHENZHEN_STANDARD = "shenzhen_standard"


class CertificationScheme(models.Model):
    """A certification scheme (认证类别): 绿色食品, 有机, 地理标志, 名特优新, 菜篮子, 圳品 … — data staff extend.

    ``recognised_as`` records the recognitions other authorities have published (互认机制);
    the platform shows them where the badge is explained and never infers one. A per-batch
    scheme (承诺达标合格证) is no product certification: it is never a badge, filter or
    listing condition, and is recorded on the shipment instead.
    """

    code = models.SlugField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("name (Simplified Chinese)"), max_length=64)
    name_hant = models.CharField(_("name (Traditional Chinese)"), max_length=64, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=64, blank=True)
    description = models.TextField(_("what the badge means"), blank=True)
    recognised_as = models.TextField(
        _("recognised as"),
        blank=True,
        help_text=_("Recognitions published by the authorities (互认), with their source. Shown as written."),
    )
    number_pattern = models.CharField(
        _("number format"),
        max_length=120,
        blank=True,
        help_text=_("A regular expression the whole certificate number must match; empty when no format is known."),
    )
    number_example = models.CharField(_("example number"), max_length=40, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("usual validity in years"), null=True, blank=True, help_text=_("Empty for long-term.")
    )
    requires_expiry = models.BooleanField(_("holder must give the end date"), default=False)
    per_batch = models.BooleanField(
        _("per batch"),
        default=False,
        help_text=_("Issued per batch or package (承诺达标合格证): recorded on shipments, never shown as a badge."),
    )
    active = models.BooleanField(_("open for new certificates"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("certification scheme")
        verbose_name_plural = _("certification schemes")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the visitor's language, Simplified Chinese where none is given."""
        language = (get_language() or "").lower()
        if language.startswith("zh-hant") and self.name_hant:
            return self.name_hant
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class CertificationQuerySet(models.QuerySet):
    def valid(self, on: datetime.date | None = None):
        """Within their validity dates on ``on`` (today), verified or not."""
        return self.filter(valid_on_q(on))

    def recognised(self, on: datetime.date | None = None):
        """What buyers may rely on: product certifications verified by staff and valid on ``on``.

        The one rule behind badges, the certification filter and the listings that depend on a
        certificate; per-batch schemes (承诺达标合格证) are never among them.
        """
        return self.valid(on).filter(verified=True, scheme__per_batch=False)


class Certification(models.Model):
    """A certificate held by a cooperative (绿色食品, 有机, 地理标志, 名特优新, 菜篮子, 合格证)."""

    scheme = models.ForeignKey(
        CertificationScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        db_column="scheme",
        related_name="certifications",
    )
    number = models.CharField(_("certificate number"), max_length=64)
    holder = models.ForeignKey(
        Partner, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="certifications"
    )
    issuer = models.CharField(_("issuer"), max_length=128, blank=True)
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
    changed_at = models.DateTimeField(
        _("last changed by the holder"), default=timezone.now, help_text=_("Verification queues are oldest first.")
    )
    scan = models.FileField(
        _("scan of the certificate"),
        upload_to="certificates/%Y/%m/",
        storage=private_storage,
        blank=True,
        validators=document_file_validators(),
    )

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ("scheme", "number")
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="certification_unique_scheme_number"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="certification_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.number}"

    @property
    def awaiting_verification(self) -> bool:
        return not self.verified

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        return is_valid_on(self.valid_from, self.valid_until, day)


class CertificationAlert(models.Model):
    """An expiry alert sent for a certificate, once per threshold (90/30/7 days)."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="alerts")
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    valid_until = models.DateField(_("expiry date alerted"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification alert")
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "days_before", "valid_until"], name="certification_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification} −{self.days_before}d"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting county recommendation")
    RETURNED = "returned", _("Returned by the county")
    RECOMMENDED = "recommended", _("Recommended, awaiting platform review")
    MORE_INFO = "more_info", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CooperativeApplication(models.Model):
    """An application to sell on the platform (供应商入驻申请): county recommends, platform reviews."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=20, choices=CooperativeKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    county = models.ForeignKey(
        County, verbose_name=_("registered county"), on_delete=models.PROTECT, related_name="applications"
    )
    contact_name = models.CharField(_("contact name"), max_length=64)
    contact_phone = PhoneNumberField(_("contact mobile number"), region="CN")
    contact_email = models.EmailField(_("contact e-mail"))
    households_linked = models.PositiveIntegerField(_("households linked"))
    farmer_linkage = models.TextField(_("farmer-linkage statement"))
    description = models.TextField(_("what you produce"), blank=True)
    business_licence = models.FileField(
        _("business licence"),
        upload_to="applications/%Y/%m/",
        storage=private_storage,
        validators=document_file_validators(),
    )
    food_licence = models.FileField(
        _("food production licence"),
        upload_to="applications/%Y/%m/",
        storage=private_storage,
        blank=True,
        validators=document_file_validators(),
    )
    bank_licence = models.FileField(
        _("bank account licence"),
        upload_to="applications/%Y/%m/",
        storage=private_storage,
        blank=True,
        validators=document_file_validators(),
        help_text=_("开户许可证 or the bank's proof of the account the cooperative is paid to."),
    )
    sells_processed_food = models.BooleanField(_("sells processed food"), default=False)
    partner = models.OneToOneField(
        Partner, verbose_name=_("cooperative"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("cooperative application")
        verbose_name_plural = _("cooperative applications")

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class ApplicationEvent(AuditEvent):
    """One step of an application's review, with who took it and when."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RECOMMEND = "recommend", _("Recommended by the county")
        RETURN = "return", _("Returned by the county")
        REQUEST_INFO = "request_info", _("More information requested")
        RESUBMIT = "resubmit", _("Resubmitted")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    application = models.ForeignKey(CooperativeApplication, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("application event")

    def __str__(self) -> str:
        return f"{self.application.reference} {self.get_action_display()}"


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
