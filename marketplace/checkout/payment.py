"""How a buyer pays (付款方式): one policy per kind of buyer, chosen in one place.

Oscar chooses prices and availability with a strategy class per request; payment here works
the same way. A ``PaymentPolicy`` says everything the order pipeline needs to know about how
an order will be paid:

- ``order_status`` and ``fulfilment_status``: where the order and each cooperative's part start
  (``checkout.services.order_place`` writes them; the fulfilment's status then moves only along
  ``fulfilment.models.FULFILMENT_TRANSITIONS``);
- ``ship_before_payment``: whether the cooperative may ship before the money arrives — it must
  agree with ``fulfilment_status`` (a part that starts "to ship" can be shipped at once, one that
  starts "awaiting payment" cannot), which ``tests/checkout/test_payment.py`` checks for every policy;
- ``label`` and ``buyer_text``: its name, and the sentence the buyer reads on the checkout
  preview and the thank-you page.

``policy_for(user, basket)`` is the one place that chooses: by buyer type
(``fulfilment.selectors.buyer_type_of``) through ``POLICIES``. A budget unit's buyer pays by
invoice as the unit's payment mode says, behind its approval above the threshold. Registered
buyers and guests pay online (``OnlinePayFirst``: Stripe, order first, then payment) when the
Stripe settings are complete, and otherwise by bank transfer against invoice after they accept
the goods (``InvoiceAfterAcceptance``). A new way to pay is a new ``PaymentPolicy`` subclass and
a rule here, not a branch in the checkout.

Online payment does not use Oscar's ``handle_payment`` (which takes payment before the order
exists): the order is placed awaiting payment and ``payments.services`` takes it from there.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.fulfilment import selectors as fulfilment_selectors
from marketplace.fulfilment.models import BuyerType, FulfilmentStatus


class PaymentPolicy:
    """How orders under this policy are paid; subclasses set every attribute."""

    #: Stable identifier (logs, a future record of the policy on the order).
    code: str = ""
    #: Short name, for staff.
    label = ""
    #: The Oscar order status a new order starts in (one of ``OSCAR_ORDER_STATUS_PIPELINE``).
    order_status: str = ""
    #: The status each cooperative's part starts in (``FulfilmentStatus``).
    fulfilment_status: str = ""
    #: Whether the cooperative may ship before the buyer has paid.
    ship_before_payment: bool = False
    #: What the buyer reads about paying, on the checkout preview and the thank-you page.
    buyer_text = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class InvoiceAfterAcceptance(PaymentPolicy):
    """Bank transfer against invoice after the buyer accepts the goods (先货后款).

    Nothing is paid at checkout; the cooperative ships at once; the platform settles with the
    cooperative monthly from accepted parts (``fulfilment.services.statement_generate``).
    """

    code = "invoice_after_acceptance"
    label = _("Invoice after acceptance")
    order_status = settings.OSCAR_INITIAL_ORDER_STATUS
    fulfilment_status = FulfilmentStatus.TO_SHIP
    ship_before_payment = True
    buyer_text = _("Bank transfer against invoice after you accept the goods (先货后款).")


class OnlinePayFirst(PaymentPolicy):
    """Paid online at checkout with Stripe (card, Alipay, WeChat Pay), after the order is placed.

    Every part waits for the payment, unseen by its cooperative; only the payment's webhook event
    releases it (``payments.services``). Unpaid after ``STRIPE_UNPAID_TIMEOUT_MINUTES`` the order
    is cancelled and its stock released.
    """

    code = "online"
    label = _("Online payment")
    order_status = settings.OSCAR_INITIAL_ORDER_STATUS
    fulfilment_status = FulfilmentStatus.AWAITING_PAYMENT
    ship_before_payment = False
    buyer_text = _(
        "Pay online now by card, Alipay or WeChat Pay; each cooperative ships once your payment is confirmed."
    )


class UnitDeliverFirst(PaymentPolicy):
    """A budget unit's order, delivered first and paid against invoice within the unit's payment
    term after the unit accepts it (先货后款; 《保障中小企业款项支付条例》: 30 days, at most 60)."""

    code = "unit_deliver_first"
    label = _("Budget unit: invoice after acceptance")
    order_status = settings.OSCAR_INITIAL_ORDER_STATUS
    fulfilment_status = FulfilmentStatus.TO_SHIP
    ship_before_payment = True
    buyer_text = _("Your unit pays against invoice within its payment term after you accept each delivery (先货后款).")


class UnitPayFirst(PaymentPolicy):
    """A budget unit's order paid before delivery (先款后货): each part waits until the unit's
    finance records the money received and matches it (``procurement.payments``)."""

    code = "unit_pay_first"
    label = _("Budget unit: pay before delivery")
    order_status = settings.OSCAR_INITIAL_ORDER_STATUS
    fulfilment_status = FulfilmentStatus.AWAITING_PAYMENT
    ship_before_payment = False
    buyer_text = _(
        "Your unit pays by bank transfer first; each cooperative ships once the payment is matched (先款后货)."
    )


class AwaitingUnitApproval(PaymentPolicy):
    """An order above the unit's approval threshold: no cooperative sees it until an approver of
    the unit approves it; then it goes on as ``then`` (the unit's own policy)."""

    code = "unit_approval"
    label = _("Budget unit: awaiting approval")
    order_status = settings.OSCAR_INITIAL_ORDER_STATUS
    fulfilment_status = FulfilmentStatus.AWAITING_APPROVAL
    ship_before_payment = False

    def __init__(self, then: PaymentPolicy | None = None):
        self.then = then or UnitDeliverFirst()
        self.buyer_text = _(
            "The order is above your unit's approval threshold: it waits for an approver of your unit. %(then)s"
        ) % {"then": self.then.buyer_text}


#: The policy of each buyer type (a budget unit's depends on the unit: ``policy_for``).
POLICIES: dict[str, type[PaymentPolicy]] = {
    BuyerType.BUDGET_UNIT: UnitDeliverFirst,
    BuyerType.BUYER: InvoiceAfterAcceptance,
    BuyerType.GUEST: InvoiceAfterAcceptance,
}


def online_payment_available() -> bool:
    """Whether buyers other than budget units pay online (all three Stripe settings are set)."""
    from marketplace.payments import gateway

    return gateway.is_configured()


def policy_of_order(order) -> PaymentPolicy:
    """The policy an order was placed under (the thank-you page, whatever the settings say now)."""
    if getattr(order, "online_payment", None) is not None:
        return OnlinePayFirst()
    from marketplace.checkout.views import unit_purchase_of

    return policy_for(order.user, order.basket, *unit_purchase_of(order))


def policy_for(user, basket, purchase=None, total=None) -> PaymentPolicy:
    """The payment policy for ``user`` (a guest: anonymous or ``None``) checking out ``basket``.

    The one place that chooses; the checkout preview, the placement and the thank-you page ask
    it. For a budget unit's buyer, ``purchase`` (``procurement.ordering.UnitPurchase``) names the
    unit, whose payment mode decides, and ``total`` (the order total, incl. shipping) whether the
    order first waits for the unit's approval.
    """
    buyer_type = fulfilment_selectors.buyer_type_of(user)
    if buyer_type != BuyerType.BUDGET_UNIT and online_payment_available():
        return OnlinePayFirst()
    if buyer_type != BuyerType.BUDGET_UNIT or purchase is None:
        return POLICIES[buyer_type]()
    from marketplace.procurement.models import PaymentMode

    policy = UnitPayFirst() if purchase.unit.payment_mode == PaymentMode.PAY_FIRST else UnitDeliverFirst()
    if total is not None and purchase.needs_approval(total):
        return AwaitingUnitApproval(then=policy)
    return policy
