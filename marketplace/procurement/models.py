"""Budget-unit procurement (预算单位采购): units and their people, the reserved share, and the
money a unit owes and pays.

- ``Jurisdiction`` and ``ShareRatio``: the minimum share of canteen food spending reserved for
  produce from assisted areas (预留份额), per jurisdiction, year and unit category — data, never
  a constant; ``FilingDeadline`` per jurisdiction and year.
- ``BudgetUnit``: a unit with its hierarchy (主管预算单位 → subordinates, ``path``), invoice
  details, approval threshold, payment mode and term; ``Membership``: a person's roles in a unit.
- ``ReservedShareFiling``: the unit's yearly filing (预留份额填报) and its review by the supervising unit.
- ``UnitOrder``: what a budget-unit order carries for ever (the unit, who placed it, ship-by
  days, payment mode and term, approval); ``CountedLine``: the snapshot of each order line that
  decides whether and where it counts; ``UnitYearTotals``: the per-unit, per-year sums kept on
  write (placed, completed, their key-assistance parts).
- ``Receipt`` and ``ReceiptAllocation``: money received (货款认领) and what it pays.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AuditEvent
from core.storage import private_storage
from partners.validators import normalise_credit_code, validate_credit_code

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money_round(value: Decimal) -> Decimal:
    """The one rounding of money here: to the fen (0.01 yuan), halves away from zero (四舍五入)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Confidence(models.TextChoices):
    """How sure the platform is of a figure (DOMAIN.md's marks)."""

    FIRM = "firm", _("Firm (published rule)")
    REPORT = "report", _("Reported (official report or news)")
    UNCERTAIN = "uncertain", _("Uncertain")


class Jurisdiction(models.Model):
    """Where a unit's rules come from: national, a province, a city (parent: the level above)."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_hant = models.CharField(_("name (Traditional Chinese)"), max_length=64, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("within"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name

    def chain(self) -> list[Jurisdiction]:
        """This jurisdiction and those above it (Shenzhen → Guangdong → national)."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain


class UnitCategory(models.TextChoices):
    AGENCY = "agency", _("Government agency")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    TRADE_UNION = "trade_union", _("Trade union")
    OTHER = "other", _("Other")


class ShareRatio(models.Model):
    """The minimum reserved share for a jurisdiction, a year and (optionally) a unit category."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="ratios"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    category = models.CharField(
        _("unit category"),
        max_length=20,
        choices=UnitCategory.choices,
        blank=True,
        help_text=_("Empty: every category."),
    )
    minimum_ratio = models.DecimalField(
        _("minimum ratio"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction: 0.1000 is 10 %."),
    )
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ("-year", "jurisdiction__position", "category")
        verbose_name = _("reserved-share ratio")
        verbose_name_plural = _("reserved-share ratios")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year", "category"], name="one_ratio_per_scope"),
            models.CheckConstraint(
                condition=models.Q(minimum_ratio__gte=0, minimum_ratio__lte=1), name="ratio_is_a_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year} {self.get_category_display() or '*'} ≥ {self.minimum_ratio:%}"


class FilingDeadline(models.Model):
    """By when units of a jurisdiction file for a year."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="deadlines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("filing deadline"))
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default="uncertain")

    class Meta:
        ordering = ("-year", "jurisdiction__position")
        verbose_name = _("filing deadline")
        verbose_name_plural = _("filing deadlines")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="one_deadline_per_year")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}: {self.deadline}"


class PaymentMode(models.TextChoices):
    DELIVER_FIRST = "deliver_first", _("Deliver first, pay after acceptance (先货后款)")
    PAY_FIRST = "pay_first", _("Pay first, then delivery (先款后货)")


#: The latest ship dates a budget-unit buyer may choose (days after approval or placement).
SHIP_WITHIN_CHOICES = [(7, _("within 7 days")), (15, _("within 15 days")), (30, _("within 30 days"))]
#: 《保障中小企业款项支付条例》: 30 days after acceptance; a contract may differ, never beyond 60.
DEFAULT_PAYMENT_TERM_DAYS = 30
MAX_PAYMENT_TERM_DAYS = 60


class BudgetUnit(models.Model):
    """A budget unit (预算单位): an agency, school, hospital, … with a canteen to supply."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    category = models.CharField(_("category"), max_length=20, choices=UnitCategory.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="units"
    )
    city = models.CharField(
        _("city or prefecture"),
        max_length=32,
        blank=True,
        help_text=_("The Guangdong city or Guangxi prefecture where the unit sits (for pairing statistics)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("主管预算单位: reviews this unit's filings and sees its progress."),
    )
    #: ``/1/5/23/``: the primary keys from the top of the hierarchy down to this unit; a subtree
    #: is ``path__startswith``. Kept by ``services.unit_save``.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    address = models.CharField(_("address"), max_length=200, blank=True)
    # 发票信息 (VAT invoice details)
    invoice_title = models.CharField(_("invoice title (名称)"), max_length=100, blank=True)
    tax_number = models.CharField(_("taxpayer number (税号)"), max_length=20, blank=True)
    registered_address = models.CharField(_("registered address (注册地址)"), max_length=200, blank=True)
    registered_phone = models.CharField(_("registered telephone (注册电话)"), max_length=32, blank=True)
    bank_name = models.CharField(_("bank (开户银行)"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account (银行账号)"), max_length=40, blank=True)
    approval_threshold = models.DecimalField(
        _("approval threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Orders above this total (CNY) wait for an approver of the unit. Empty: no approval."),
    )
    payment_mode = models.CharField(
        _("payment mode"), max_length=20, choices=PaymentMode.choices, default=PaymentMode.DELIVER_FIRST
    )
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        default=DEFAULT_PAYMENT_TERM_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PAYMENT_TERM_DAYS)],
        help_text=_("Days after acceptance within which the unit pays (at most 60)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("path", "pk")
        verbose_name = _("budget unit")
        verbose_name_plural = _("budget units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_term_days__gte=1, payment_term_days__lte=MAX_PAYMENT_TERM_DAYS),
                name="payment_term_at_most_60_days",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.credit_code = normalise_credit_code(self.credit_code)

    @property
    def depth(self) -> int:
        """0 for a unit at the top of its hierarchy, 1 for its subordinates, …"""
        return max(self.path.count("/") - 2, 0)


class Membership(models.Model):
    """A person's roles in a unit; one person may belong to several units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(BudgetUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    is_manager = models.BooleanField(
        _("manager"), default=False, help_text=_("Keeps the unit's filings and sees its subordinate units.")
    )
    is_buyer = models.BooleanField(_("buyer"), default=False, help_text=_("Places and accepts the unit's orders."))
    is_approver = models.BooleanField(_("approver"), default=False, help_text=_("Approves orders above the threshold."))
    is_finance = models.BooleanField(_("finance"), default=False, help_text=_("Records payments and matches them."))
    contractor = models.CharField(
        _("canteen contractor"),
        max_length=100,
        blank=True,
        help_text=_("食堂外包: the company this buyer works for; its purchases count for the unit."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("unit__path", "pk")
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_unit")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"

    @property
    def roles(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.is_manager, _("manager")),
                (self.is_buyer, _("buyer")),
                (self.is_approver, _("approver")),
                (self.is_finance, _("finance")),
            )
            if flag
        ]


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", pgettext_lazy("filing", "Returned")
    APPROVED = "approved", _("Approved")


class ReservedShareFiling(models.Model):
    """A unit's reserved-share filing for a year (预留份额填报)."""

    unit = models.ForeignKey(BudgetUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="filings")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.DRAFT, db_index=True
    )
    has_canteen = models.BooleanField(_("has a canteen"), default=True)
    shared_canteen_with = models.ForeignKey(
        BudgetUnit,
        verbose_name=_("shares the canteen of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("共用食堂: the unit that files for the shared canteen; this unit's purchases count there."),
    )
    canteen_outsourced = models.BooleanField(_("canteen run by a contractor"), default=False)
    canteen_food_total = models.DecimalField(
        _("annual canteen food spending"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(Decimal("0"))],
    )
    minimum_ratio = models.DecimalField(
        _("minimum ratio"), max_digits=5, decimal_places=4, null=True, blank=True, editable=False
    )
    ratio = models.DecimalField(_("ratio"), max_digits=5, decimal_places=4, default=Decimal("0"))
    lower_ratio_authority = models.CharField(_("approved by (authority)"), max_length=100, blank=True)
    lower_ratio_date = models.DateField(_("approved on"), null=True, blank=True)
    lower_ratio_document = models.CharField(_("approval document number"), max_length=64, blank=True)
    reserved_amount = models.DecimalField(
        _("reserved amount"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    union_purchase_need = models.BooleanField(_("trade-union purchase need"), default=False)
    remarks = models.TextField(_("remarks"), blank=True, max_length=1000)
    extended_until = models.DateField(
        _("late filing allowed until"),
        null=True,
        blank=True,
        help_text=_("Set by the supervising unit or staff to let the unit file after the deadline."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-year", "unit__path")
        verbose_name = _("reserved-share filing")
        verbose_name_plural = _("reserved-share filings")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_filing_per_unit_and_year"),
            models.CheckConstraint(condition=models.Q(canteen_food_total__gte=0), name="filing_total_not_negative"),
            models.CheckConstraint(condition=models.Q(ratio__gte=0, ratio__lte=1), name="filing_ratio_is_a_fraction"),
            models.CheckConstraint(
                condition=~models.Q(shared_canteen_with=models.F("unit")), name="filing_shared_canteen_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class FilingEvent(AuditEvent):
    """A step of a filing: saved, submitted, returned (with the reason), approved, extended."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Saved")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", pgettext_lazy("filing", "Returned")
        APPROVED = "approved", _("Approved")
        EXTENDED = "extended", _("Late filing allowed")

    filing = models.ForeignKey(ReservedShareFiling, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("filing event")
        verbose_name_plural = _("filing events")


class ApprovalStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("No approval needed")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Not approved in time")


class UnitOrder(models.Model):
    """What a budget-unit order carries for ever, whatever later happens to its buyer."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="unit_order")
    unit = models.ForeignKey(BudgetUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    contractor = models.CharField(_("canteen contractor"), max_length=100, blank=True)
    placed_at = models.DateTimeField(_("placed"), db_index=True)
    ship_within_days = models.PositiveSmallIntegerField(_("ship within (days)"), choices=SHIP_WITHIN_CHOICES)
    payment_mode = models.CharField(_("payment mode"), max_length=20, choices=PaymentMode.choices)
    payment_term_days = models.PositiveSmallIntegerField(_("payment term (days)"))
    approval_status = models.CharField(
        _("approval"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_REQUIRED, db_index=True
    )
    approval_expires_at = models.DateTimeField(_("approval expires"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        ordering = ("-placed_at", "-pk")
        verbose_name = _("budget-unit order")
        verbose_name_plural = _("budget-unit orders")
        indexes = [models.Index(fields=["unit", "placed_at"], name="unit_order_unit_placed")]

    def __str__(self) -> str:
        return f"{self.order.number} ({self.unit})"


class CountedLine(models.Model):
    """The snapshot of one order line of a budget-unit order, taken when it is placed: whether
    its origin county counted for the reserved share then, which county, which unit."""

    line = models.OneToOneField("order.Line", on_delete=models.CASCADE, related_name="counted")
    fulfilment = models.ForeignKey("fulfilment.Fulfilment", on_delete=models.CASCADE, related_name="counted_lines")
    unit = models.ForeignKey(BudgetUnit, on_delete=models.PROTECT, related_name="counted_lines")
    county = models.ForeignKey("partner.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counts = models.BooleanField(_("counts for the reserved share"))
    key_assistance = models.BooleanField(_("from a key-assistance county"), default=False)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    placed_at = models.DateTimeField(_("placed"))

    class Meta:
        verbose_name = _("counted order line")
        verbose_name_plural = _("counted order lines")
        indexes = [models.Index(fields=["unit", "placed_at"], name="counted_line_unit_placed")]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.unit_id}"


class UnitYearTotals(models.Model):
    """A unit's sums for a year, kept on write (never summed from lines on a page).

    ``placed``: counted lines of orders placed in the year, less cancelled parts (采购交易额);
    ``completed``: counted lines of parts accepted in the year, less returned parts (已完成).
    The ``key_`` sums are the parts of those from key-assistance counties.
    """

    unit = models.ForeignKey(BudgetUnit, on_delete=models.CASCADE, related_name="year_totals")
    year = models.PositiveSmallIntegerField(_("year"))
    placed = models.DecimalField(_("placed"), max_digits=16, decimal_places=2, default=ZERO)
    completed = models.DecimalField(_("completed"), max_digits=16, decimal_places=2, default=ZERO)
    key_placed = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    key_completed = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("unit totals for a year")
        verbose_name_plural = _("unit totals per year")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_totals_row_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"


class PayerKind(models.TextChoices):
    UNIT = "unit", _("The unit")
    UNION = "union", _("Its trade union")
    STAFF = "staff", pgettext_lazy("payer", "Its staff")
    OTHER = "other", _("Other")


class Receipt(models.Model):
    """Money received for a unit's orders (货款到账), matched to parts by ``ReceiptAllocation``."""

    unit = models.ForeignKey(BudgetUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="receipts")
    payer_name = models.CharField(_("payer"), max_length=100)
    payer_kind = models.CharField(_("payer is"), max_length=10, choices=PayerKind.choices, default=PayerKind.UNIT)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ("-received_on", "-pk")
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        constraints = [
            models.UniqueConstraint(fields=["unit", "reference"], name="one_receipt_per_reference"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="receipt_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class ReceiptAllocation(models.Model):
    """Part of a receipt that pays part of a fulfilment (partial payments allowed)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="allocations")
    fulfilment = models.ForeignKey(
        "fulfilment.Fulfilment", on_delete=models.PROTECT, related_name="receipt_allocations"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("matched"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment matched")
        verbose_name_plural = _("payments matched")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_id} → {self.fulfilment_id}: {self.amount}"


def payment_due_on(accepted_at: datetime.datetime, term_days: int) -> datetime.date:
    """Payment is due ``term_days`` after the day of acceptance (local date)."""
    from django.utils import timezone

    return timezone.localtime(accepted_at).date() + datetime.timedelta(days=term_days)


class ExportStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("progress", "Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ProgressExport(models.Model):
    """A spreadsheet of a unit's subtree progress for a year (预留份额进度导出), built by a Celery task;
    only the person who asked (and platform staff) may download it."""

    unit = models.ForeignKey(BudgetUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(
        pgettext_lazy("progress export", "progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(_("spreadsheet"), storage=private_storage, upload_to="procurement/progress/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created = models.DateTimeField(pgettext_lazy("progress export", "requested"), auto_now_add=True)
    finished_at = models.DateTimeField(pgettext_lazy("progress export", "finished"), null=True, blank=True)

    class Meta:
        ordering = ("-created", "-pk")
        verbose_name = pgettext_lazy("progress export", "progress export")
        verbose_name_plural = pgettext_lazy("progress export", "progress exports")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_at_most_100")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} ({self.status})"
