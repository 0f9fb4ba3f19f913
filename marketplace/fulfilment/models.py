"""Fulfilments (分单履约): the part of an order one cooperative ships, and its settlement (结算).

Oscar places one order for the whole basket; each cooperative in it gets one
``Fulfilment`` with its own status, shipping and acceptance. Lines stay Oscar's order
lines (``Line.partner`` says whose they are). Settlement statements sum accepted
fulfilments (and subtract returns) per cooperative and calendar month; a budget unit's part
counts in the month its payment is fully received, a part paid online when accepted, and an online
refund after that deducts in the month it is made (``fulfilment.selectors.settlement_entries``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.storage import private_storage


class ShippingMethod(models.Model):
    """A way a cooperative ships (配送方式); cold-chain products only ship by a cold-chain method."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    cold_chain = models.BooleanField(
        _("cold chain"), default=False, help_text=_("Keeps chilled and frozen products cold all the way.")
    )
    charge = models.DecimalField(
        _("charge per shipment"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    free_over = models.DecimalField(
        _("free above"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A shipment whose goods cost at least this much ships free. Empty: never free."),
    )
    ship_within_days = models.PositiveSmallIntegerField(
        _("ship within (days)"), default=3, help_text=_("The ship-by date is this many days after the order.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "charge", "pk")
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")

    def __str__(self) -> str:
        return self.name

    def charge_for(self, goods_total: Decimal) -> Decimal:
        if self.free_over is not None and goods_total >= self.free_over:
            return Decimal("0.00")
        return self.charge


class FulfilmentStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the unit's approval")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    TO_SHIP = "to_ship", _("To ship")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    PROBLEM = "problem", _("Problem reported")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


class FulfilmentStep:
    """The steps a fulfilment can take (the views' ``action`` names)."""

    APPROVE = "approve"  # the budget unit's approver approves the order (审批通过): it can ship
    APPROVE_FOR_PAYMENT = "approve_for_payment"  # approved, and the unit pays before delivery (先款后货)
    PAY = "pay"  # the money arrived before delivery (款到发货)
    SHIP = "ship"  # the cooperative hands it to a carrier (发货)
    DELIVER = "deliver"  # the carrier reports delivery (已送达)
    ACCEPT = "accept"  # the buyer accepts the goods (验收)
    REPORT_PROBLEM = "report_problem"  # the buyer finds a problem on inspection (验收有问题)
    AUTO_ACCEPT = "auto_accept"  # accepted for a buyer who did not answer (自动验收)
    EVALUATE = "evaluate"  # the buyer rates the delivery (评价); the status stays
    CANCEL = "cancel"  # before it ships (取消): the buyer or platform staff
    RETURN = "return"  # goods came back (退货): platform staff


# step → (statuses it may start from, status it leads to). The one statement of which step is
# possible when: ``fulfilment.services`` refuses any other, and the screens offer only these
# (``Fulfilment.steps``). Who may take a step is the services' other check. A part awaiting
# payment can only be cancelled until a payment policy that starts there adds its way out
# (``checkout.payment``).
FULFILMENT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    FulfilmentStep.APPROVE: (frozenset({FulfilmentStatus.AWAITING_APPROVAL}), FulfilmentStatus.TO_SHIP),
    FulfilmentStep.APPROVE_FOR_PAYMENT: (
        frozenset({FulfilmentStatus.AWAITING_APPROVAL}),
        FulfilmentStatus.AWAITING_PAYMENT,
    ),
    FulfilmentStep.PAY: (frozenset({FulfilmentStatus.AWAITING_PAYMENT}), FulfilmentStatus.TO_SHIP),
    FulfilmentStep.SHIP: (frozenset({FulfilmentStatus.TO_SHIP}), FulfilmentStatus.SHIPPED),
    FulfilmentStep.DELIVER: (frozenset({FulfilmentStatus.SHIPPED}), FulfilmentStatus.DELIVERED),
    FulfilmentStep.ACCEPT: (
        frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED, FulfilmentStatus.PROBLEM}),
        FulfilmentStatus.ACCEPTED,
    ),
    FulfilmentStep.REPORT_PROBLEM: (
        frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED}),
        FulfilmentStatus.PROBLEM,
    ),
    FulfilmentStep.AUTO_ACCEPT: (
        frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED}),
        FulfilmentStatus.ACCEPTED,
    ),
    FulfilmentStep.EVALUATE: (frozenset({FulfilmentStatus.ACCEPTED}), FulfilmentStatus.ACCEPTED),
    FulfilmentStep.CANCEL: (
        frozenset({FulfilmentStatus.AWAITING_APPROVAL, FulfilmentStatus.AWAITING_PAYMENT, FulfilmentStatus.TO_SHIP}),
        FulfilmentStatus.CANCELLED,
    ),
    FulfilmentStep.RETURN: (
        frozenset(
            {FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED, FulfilmentStatus.PROBLEM, FulfilmentStatus.ACCEPTED}
        ),
        FulfilmentStatus.RETURNED,
    ),
}


def fulfilment_steps_from(status: str) -> frozenset[str]:
    """The steps a fulfilment in ``status`` may take."""
    return frozenset(step for step, (sources, _target) in FULFILMENT_TRANSITIONS.items() if status in sources)


def fulfilment_statuses_allowing(step: str) -> frozenset[str]:
    """The statuses from which ``step`` may be taken."""
    return FULFILMENT_TRANSITIONS[step][0]


class BuyerType(models.TextChoices):
    BUDGET_UNIT = "budget_unit", _("Budget unit")
    BUYER = "buyer", _("Registered buyer")
    GUEST = "guest", _("Guest")


class Fulfilment(models.Model):
    """What one cooperative owes the buyer of one order (分单): its lines, shipping and acceptance (验收)."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="fulfilments")
    partner = models.ForeignKey(
        "partner.Partner", verbose_name=_("cooperative"), on_delete=models.PROTECT, related_name="fulfilments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FulfilmentStatus.choices, default=FulfilmentStatus.TO_SHIP, db_index=True
    )
    buyer_type = models.CharField(_("buyer type"), max_length=20, choices=BuyerType.choices, db_index=True)
    goods_total = models.DecimalField(_("goods"), max_digits=12, decimal_places=2)
    shipping_method = models.ForeignKey(
        ShippingMethod, verbose_name=_("shipping method"), on_delete=models.PROTECT, related_name="+"
    )
    shipping_cost = models.DecimalField(_("shipping cost"), max_digits=10, decimal_places=2)
    cold_chain = models.BooleanField(_("needs cold chain"), default=False)
    ship_by = models.DateField(_("ship by"))
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    compliance_certificate = models.CharField(
        _("commitment compliance certificate"),
        max_length=64,
        blank=True,
        help_text=_("Number of the 承诺达标合格证 issued for this batch and packed with it."),
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, db_index=True)
    auto_accepted = models.BooleanField(_("accepted automatically"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("cancellation or return reason"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    #: Whether the cooperative has been given this part (at placement, or when the unit's approval or
    #: the payment released it). A part cancelled before that — rejected, never paid — stays unseen.
    released = models.BooleanField(_("released to the cooperative"), default=True, db_index=True)

    class Meta:
        ordering = ("-created", "pk")
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="one_fulfilment_per_cooperative"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="fulfilment_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}-{self.partner.code}"

    @property
    def reference(self) -> str:
        return f"{self.order.number}-{self.pk}"

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.shipping_cost

    @property
    def needs_buyer_acceptance(self) -> bool:
        """A budget unit's part is accepted by the unit itself (履约验收), never automatically."""
        return self.buyer_type == BuyerType.BUDGET_UNIT

    @property
    def steps(self) -> frozenset[str]:
        """The steps its status allows (``FULFILMENT_TRANSITIONS``), less automatic acceptance for a part
        that needs the buyer's own (``needs_buyer_acceptance``); templates ask ``"cancel" in f.steps``."""
        steps = fulfilment_steps_from(self.status)
        return steps - {FulfilmentStep.AUTO_ACCEPT} if self.needs_buyer_acceptance else steps

    def allows(self, step: str) -> bool:
        return step in self.steps

    def lines(self):
        return self.order.lines.filter(partner_id=self.partner_id).order_by("pk")

    @property
    def overdue_to_ship(self) -> bool:
        """Still to ship after its ship-by date (逾期未发货); the query is ``procurement.ordering.late_parts``."""
        from django.utils import timezone

        return self.status == FulfilmentStatus.TO_SHIP and self.ship_by < timezone.localdate()


class FulfilmentEvent(AuditEvent):
    """One step of a fulfilment, with who took it: the audit trail (履约记录)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Order placed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Marked delivered")
        APPROVED = "approved", _("Approved by the unit")
        PAID = "paid", _("Paid")
        PROBLEM = "problem", _("Problem reported")
        ACCEPTED = "accepted", _("Accepted by the buyer")
        AUTO_ACCEPTED = "auto_accepted", _("Accepted automatically")
        EVALUATED = "evaluated", _("Evaluated")
        CANCELLED = "cancelled", _("Cancelled")
        RETURNED = "returned", _("Returned")

    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("fulfilment event")
        verbose_name_plural = _("fulfilment events")

    def __str__(self) -> str:
        return f"{self.fulfilment} {self.get_action_display()}"


class StatementStatus(models.TextChoices):
    GENERATING = "generating", _("Being prepared")
    READY = "ready", _("Ready")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class SettlementStatement(models.Model):
    """A cooperative's settlement statement for one calendar month (结算单)."""

    partner = models.ForeignKey(
        "partner.Partner", verbose_name=_("cooperative"), on_delete=models.PROTECT, related_name="statements"
    )
    period = models.DateField(_("month"), help_text=_("First day of the month settled."))
    status = models.CharField(
        _("status"), max_length=12, choices=StatementStatus.choices, default=StatementStatus.GENERATING
    )
    sales_count = models.PositiveIntegerField(_("accepted fulfilments"), default=0)
    goods_total = models.DecimalField(_("goods"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    shipping_total = models.DecimalField(_("shipping"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    returns_count = models.PositiveIntegerField(_("returns"), default=0)
    returns_total = models.DecimalField(_("returned"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount_due = models.DecimalField(_("amount due"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    xlsx = models.FileField(_("spreadsheet"), storage=private_storage, upload_to="statements/", blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="statements/", blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked paid by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    #: Consumers' accepted parts paid by invoice in ``goods_total + shipping_total``: the platform
    #: advances them (parts paid online are money received, not advanced).
    advanced_total = models.DecimalField(
        _("advanced by the platform"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    #: Online refunds of parts that had counted (``payments.Refund``): deducted in the month refunded.
    refunds_count = models.PositiveIntegerField(_("refunds"), default=0)
    refunds_total = models.DecimalField(
        _("refunded to buyers"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    #: Budget units' parts accepted by the month's end but not fully paid by then: shown, not included.
    awaiting_count = models.PositiveIntegerField(_("accepted, awaiting the buyer's payment"), default=0)
    awaiting_total = models.DecimalField(
        _("awaiting the buyer's payment (not included)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        ordering = ("-period", "partner__name")
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        constraints = [models.UniqueConstraint(fields=["partner", "period"], name="one_statement_per_month")]

    def __str__(self) -> str:
        return f"{self.partner} {self.period:%Y-%m}"


class StatementLine(models.Model):
    """One accepted fulfilment (positive), one return of an accepted fulfilment or the month's online
    refunds of one (negative); or a budget unit's part accepted and not yet paid for (``AWAITING``:
    listed, not in the amount due)."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Accepted")
        RETURN = "return", _("Returned")
        AWAITING = "awaiting", _("Accepted, awaiting the buyer's payment")
        REFUND = "refund", _("Refunded to the buyer")

    statement = models.ForeignKey(SettlementStatement, on_delete=models.CASCADE, related_name="lines")
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.PROTECT, related_name="statement_lines")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    day = models.DateField(_("date"))
    goods = models.DecimalField(_("goods"), max_digits=12, decimal_places=2)
    shipping = models.DecimalField(_("shipping"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("day", "pk")
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(fields=["statement", "fulfilment", "kind"], name="one_statement_line_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.statement} {self.fulfilment} {self.kind}"
