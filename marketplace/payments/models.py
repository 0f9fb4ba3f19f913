"""Online payment (在线支付) of an order with Stripe: the payment, its refunds, the webhook inbox, the log.

An order paid online has one ``OnlinePayment``, written with the order (``checkout.services.
order_place``) before any money moves; its PaymentIntent is created when the buyer opens the
payment page. Only a verified webhook event (``StripeEvent``, stored once per event id) changes
what the platform believes about the money; the buyer's browser coming back changes nothing.
Amounts are ``Decimal`` yuan (or Hong Kong dollars) everywhere; Stripe's integer minor units are
converted at the edge (``gateway``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent


class PaymentStatus(models.TextChoices):
    REQUIRES_PAYMENT = "requires_payment", _("Awaiting payment")
    PROCESSING = "processing", _("Payment processing")
    SUCCEEDED = "succeeded", _("Paid")
    CANCELED = "canceled", _("Cancelled unpaid")


class PaymentFlag(models.TextChoices):
    NONE = "", _("None")
    MISMATCH = "mismatch", _("Amount or currency does not match the order")
    DISPUTE = "dispute", _("Disputed by the buyer's bank")


class OnlinePayment(models.Model):
    """The online payment of one order: what is owed, what Stripe reported, what was refunded."""

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="online_payment")
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=255, blank=True, editable=False)
    #: Stripe keeps the answer to an idempotency key for a day, a 5xx error too: after one, the next
    #: attempt to create the PaymentIntent uses a new key (``services.intent_ensure``).
    intent_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.REQUIRES_PAYMENT,
        db_index=True,
    )
    amount_received = models.DecimalField(_("received"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    #: As Stripe last reported it (cumulative over the charge); never goes down.
    amount_refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    method = models.CharField(_("paid with"), max_length=32, blank=True)
    last_error = models.CharField(_("last failed attempt"), max_length=300, blank=True)
    flag = models.CharField(_("needs staff"), max_length=12, choices=PaymentFlag.choices, blank=True, default="")
    flag_note = models.CharField(_("why"), max_length=300, blank=True)
    dispute_status = models.CharField(_("dispute"), max_length=32, blank=True)
    expires_at = models.DateTimeField(_("pay by"), db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created", "pk")
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_status_display()}"

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.SUCCEEDED

    @property
    def is_open(self) -> bool:
        """The buyer may (still) pay."""
        return self.status in (PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.PROCESSING) and not self.flag


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Requested")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


class Refund(models.Model):
    """Money sent back (退款): for one cooperative's part, or recorded from Stripe as it came."""

    payment = models.ForeignKey(OnlinePayment, on_delete=models.PROTECT, related_name="refunds")
    fulfilment = models.ForeignKey(
        "fulfilment.Fulfilment",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    automatic = models.BooleanField(_("automatic"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True
    )
    #: The idempotency key sent to Stripe; one refund per key, whoever asks twice.
    key = models.CharField(_("key"), max_length=80, unique=True)
    stripe_id = models.CharField(_("Stripe refund"), max_length=255, unique=True, null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    created = models.DateTimeField(_("requested"), auto_now_add=True)
    succeeded_at = models.DateTimeField(_("refunded"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ("created", "pk")
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.payment.order.number} {self.amount} {self.status}"


class StripeEvent(models.Model):
    """A verified webhook event, stored once under Stripe's event id, applied by a Celery task."""

    event_id = models.CharField(_("event"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=64)
    payload = models.JSONField(_("payload"))
    payment = models.ForeignKey(
        OnlinePayment, null=True, blank=True, on_delete=models.SET_NULL, related_name="stripe_events"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("applied"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ("received_at", "pk")
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class PaymentEvent(AuditEvent):
    """One thing that happened to a payment, for staff (支付记录)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Payment started")
        PROCESSING = "processing", _("Processing")
        ATTEMPT_FAILED = "attempt_failed", _("Attempt failed")
        SUCCEEDED = "succeeded", _("Paid")
        MISMATCH = "mismatch", _("Amount mismatch: flagged")
        CANCELED = "canceled", _("Cancelled unpaid")
        EXPIRED = "expired", _("Not paid in time")
        REFUND_REQUESTED = "refund_requested", _("Refund requested")
        REFUNDED = "refunded", _("Refunded")
        REFUND_FAILED = "refund_failed", _("Refund failed")
        DISPUTE = "dispute", _("Dispute")
        IGNORED = "ignored", _("Event ignored")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    payment = models.ForeignKey(OnlinePayment, on_delete=models.CASCADE, related_name="events")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.payment} {self.get_action_display()}"
