"""Reads of fulfilments and settlement: who may see which, and how a basket will ship."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, DecimalField, ExpressionWrapper, F, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from oscar.core.loading import get_model

from core.access import is_platform_staff
from marketplace.fulfilment.models import (
    BuyerType,
    Fulfilment,
    FulfilmentStatus,
    SettlementStatement,
    ShippingMethod,
    StatementLine,
)
from partners.access import scope_to_cooperatives

Line = get_model("order", "Line")
Partner = get_model("partner", "Partner")

COLD_STORAGE = {"chilled", "frozen"}


@dataclass
class Shipment:
    """What one cooperative will ship from a basket, and by which method at what charge."""

    partner: Partner
    lines: list = field(default_factory=list)
    goods_total: Decimal = Decimal("0.00")
    cold_chain: bool = False
    method: ShippingMethod | None = None

    @property
    def charge(self) -> Decimal:
        return self.method.charge_for(self.goods_total) if self.method else Decimal("0.00")


def _cheapest(methods: list[ShippingMethod], shipment: Shipment) -> ShippingMethod | None:
    eligible = [method for method in methods if method.cold_chain or not shipment.cold_chain]
    return min(eligible, key=lambda method: (method.charge_for(shipment.goods_total), method.position), default=None)


def shipment_plan(basket) -> list[Shipment]:
    """One shipment per cooperative of the basket, each with the cheapest method fit for it.

    Chilled or frozen goods need a cold-chain method; a shipment without an eligible method
    has ``method=None`` and cannot be ordered. Memoised on the basket for the request.
    """
    lines = list(basket.all_lines())
    key = tuple((line.pk, line.quantity) for line in lines)
    cached = getattr(basket, "_shipment_plan", None)
    if cached and cached[0] == key:
        return cached[1]
    shipments: OrderedDict[int, Shipment] = OrderedDict()
    for line in lines:
        if line.stockrecord is None:
            continue
        partner = line.stockrecord.partner
        shipment = shipments.setdefault(partner.pk, Shipment(partner=partner))
        shipment.lines.append(line)
        shipment.goods_total += line.line_price_incl_tax_incl_discounts or Decimal("0.00")
        shipment.cold_chain |= getattr(line.product, "storage_type", "") in COLD_STORAGE
    methods = list(ShippingMethod.objects.filter(is_active=True)) if shipments else []
    for shipment in shipments.values():
        shipment.method = _cheapest(methods, shipment)
    plan = list(shipments.values())
    basket._shipment_plan = (key, plan)
    return plan


def buyer_type_of(user) -> str:
    if user is None or not user.is_authenticated:
        return BuyerType.GUEST
    from marketplace.procurement.access import is_unit_buyer

    if is_unit_buyer(user):
        return BuyerType.BUDGET_UNIT
    return BuyerType.BUYER


def ship_by_date(
    method: ShippingMethod, placed: datetime.datetime | None = None, *, days: int | None = None
) -> datetime.date:
    """The latest ship date: ``days`` (a budget unit's choice) or the method's usual days after placing."""
    placed = placed or timezone.now()
    return timezone.localtime(placed).date() + datetime.timedelta(days=days or method.ship_within_days)


#: A part waiting for the budget unit's approval or for payment (online, or a unit paying first) is
#: not the cooperative's business yet: it neither sees nor ships it (platform staff do see it); it is
#: told of the order when the part is released (``services.fulfilment_release``).
VISIBLE_TO_COOPERATIVE = frozenset(
    set(FulfilmentStatus) - {FulfilmentStatus.AWAITING_APPROVAL, FulfilmentStatus.AWAITING_PAYMENT}
)


def cooperative_scope(queryset: QuerySet[Fulfilment], user) -> QuerySet[Fulfilment]:
    """The fulfilments of ``queryset`` the user's cooperatives may see (platform staff: all): parts
    released to them (``Fulfilment.released``) and not held again."""
    queryset = scope_to_cooperatives(queryset, user)
    if not is_platform_staff(user):
        queryset = queryset.filter(status__in=VISIBLE_TO_COOPERATIVE, released=True)
    return queryset


def fulfilments_for_cooperative_user(user) -> QuerySet[Fulfilment]:
    """Fulfilments the user may see and work: their cooperatives' released parts (platform staff: all)."""
    return cooperative_scope(Fulfilment.objects.select_related("order", "partner", "shipping_method"), user)


def may_act_as_buyer(user, fulfilment: Fulfilment) -> bool:
    """The order's buyer; for a budget unit's order, a buyer of that unit now (and nobody else)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    from marketplace.procurement.access import is_unit_buyer_of_order
    from marketplace.procurement.models import UnitOrder

    if UnitOrder.objects.filter(order_id=fulfilment.order_id).exists():
        # the unit's order: its buyers now, not whoever placed it (they may have left the unit)
        return is_unit_buyer_of_order(user, fulfilment.order_id)
    return fulfilment.order.user_id == user.pk


def fulfilment_lines(fulfilment: Fulfilment) -> QuerySet:
    """Only the fulfilment's own cooperative's lines of the order."""
    return (
        Line.objects.filter(order_id=fulfilment.order_id, partner_id=fulfilment.partner_id)
        .select_related("product", "stockrecord")
        .prefetch_related("attributes")  # Line.description reads them
        .order_by("pk")
    )


def fulfilments_of_order(order) -> list[Fulfilment]:
    """The fulfilments of one order with their lines, for the buyer's order page."""
    lines = (
        Line.objects.filter(order_id=order.pk)
        .select_related("product")
        .prefetch_related("attributes")  # Line.description reads them
        .order_by("pk")
    )
    fulfilments = list(
        Fulfilment.objects.filter(order_id=order.pk)
        .select_related("partner", "shipping_method")
        .order_by("partner__name", "pk")
    )
    by_partner: dict[int, list] = {}
    for line in lines:
        by_partner.setdefault(line.partner_id, []).append(line)
    for fulfilment in fulfilments:
        fulfilment.own_lines = by_partner.get(fulfilment.partner_id, [])
    return fulfilments


def fulfilment_for_buyer(*, user, pk: int) -> Fulfilment | None:
    """A fulfilment of one of the user's own orders — for a budget unit's order, of an order of a unit
    the user buys for now — or None (never someone else's)."""
    if not user.is_authenticated:
        return None
    from marketplace.procurement.access import unit_buyer_orders_q

    own = Q(order__user=user, order__unit_order__isnull=True)
    return (
        Fulfilment.objects.select_related("order", "partner")
        .filter(own | unit_buyer_orders_q(user, prefix="order__"))
        .filter(pk=pk)
        .first()
    )


def fulfilments_for_list(
    *,
    user,
    partner=None,
    county=None,
    buyer_type: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    query: str = "",
) -> QuerySet[Fulfilment]:
    """The fulfilments ``user`` may see (platform staff: all), filtered as the fulfilment list asks."""
    queryset = Fulfilment.objects.select_related("order", "order__user", "partner", "partner__county").order_by(
        "-created", "-pk"
    )
    queryset = cooperative_scope(queryset, user)
    if partner:
        queryset = queryset.filter(partner=partner)
    if county:
        queryset = queryset.filter(partner__county=county)
    if buyer_type:
        queryset = queryset.filter(buyer_type=buyer_type)
    if status:
        queryset = queryset.filter(status=status)
    if date_from:
        queryset = queryset.filter(created__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created__date__lte=date_to)
    if query:
        queryset = queryset.filter(
            Q(order__number__icontains=query)
            | Q(order__guest_email__icontains=query)
            | Q(order__user__email__icontains=query)
        )
    return queryset


def month_bounds(period: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end (exclusive) of the calendar month of ``period``, in local time."""
    start = period.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def _unit_parts_paid(queryset: QuerySet[Fulfilment], end: datetime.datetime | None = None) -> QuerySet[Fulfilment]:
    """Budget units' parts annotated with ``paid`` (matched receipts, ``procurement.payments``; only those
    matched before ``end`` if given) and ``paid_at`` (when the last of them was matched)."""
    allocations = Q(receipt_allocations__created__lt=end) if end else Q()
    return queryset.filter(buyer_type=BuyerType.BUDGET_UNIT).annotate(
        paid=Coalesce(
            Sum("receipt_allocations__amount", filter=allocations),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        paid_at=Max("receipt_allocations__created", filter=allocations),
    )


@dataclass
class SettlementEntries:
    """What a cooperative's statement of one month holds (``settlement_entries``)."""

    sales: list  # Fulfilment, each with ``settled_at``
    returns: list  # Fulfilment
    awaiting: list  # Fulfilment, each with ``paid``
    refunds: list  # Fulfilment, each with ``refunded`` (the month's online refunds of it) and ``refunded_at``


def settlement_entries(*, partner, period: datetime.date) -> SettlementEntries:
    """What a cooperative's statement of one month holds.

    Money follows the buyer's payment:

    - a budget unit's part is payable to the cooperative in the month the unit's payment for it is
      fully received (the last match of a receipt, ``procurement.payments``) — or the month it is
      accepted, if it was paid before (先款后货); until then it is **awaiting** the unit's payment:
      listed, not included;
    - a part paid online counts in the month it is accepted (it shipped only once paid); an online
      refund of it (``payments.Refund``) deducts in the month of the refund — or of the acceptance,
      if refunded before — so a refund after the part was settled is a deduction on the next
      statement; its return deducts nothing itself (the refund does);
    - other buyers' parts (paid by invoice after acceptance) count in the month they are accepted:
      the platform advances them;
    - a return deducts in the month of the return, once the part has counted (a budget unit's part
      returned before it was paid for in full deducts nothing: it never counted).
    """
    from marketplace.payments.models import Refund, RefundStatus

    start, end = month_bounds(period)
    base = Fulfilment.objects.filter(partner=partner).select_related("order").order_by("accepted_at", "pk")
    others = base.exclude(buyer_type=BuyerType.BUDGET_UNIT)
    sales = list(others.filter(accepted_at__gte=start, accepted_at__lt=end).annotate(paid_online=_paid_online()))
    for fulfilment in sales:
        fulfilment.settled_at = fulfilment.accepted_at
    returns = list(
        others.filter(accepted_at__isnull=False, returned_at__gte=start, returned_at__lt=end).filter(
            order__online_payment__isnull=True
        )
    )

    paid_in_full = (
        _unit_parts_paid(base.filter(accepted_at__isnull=False))
        .filter(paid__gte=F("goods_total") + F("shipping_cost"))
        .annotate(settled_at=Greatest("accepted_at", "paid_at"))
    )
    sales += list(paid_in_full.filter(settled_at__gte=start, settled_at__lt=end))
    returns += list(
        paid_in_full.filter(returned_at__isnull=False).filter(
            Q(returned_at__gte=start, returned_at__lt=end, settled_at__lt=end)
            | Q(settled_at__gte=start, settled_at__lt=end, returned_at__lt=start)
        )
    )
    awaiting = list(
        _unit_parts_paid(base.filter(accepted_at__lt=end), end=end)
        .exclude(returned_at__lt=end)
        .filter(paid__lt=F("goods_total") + F("shipping_cost"))
    )
    refunded: dict[int, list] = {}
    for refund in (
        Refund.objects.filter(
            fulfilment__partner=partner, status=RefundStatus.SUCCEEDED, fulfilment__accepted_at__isnull=False
        )
        .annotate(counted_at=Greatest("succeeded_at", "fulfilment__accepted_at"))
        .filter(counted_at__gte=start, counted_at__lt=end)
        .order_by("counted_at", "pk")
    ):
        refunded.setdefault(refund.fulfilment_id, []).append(refund)
    refunds = list(base.filter(pk__in=refunded))
    for fulfilment in refunds:
        rows = refunded[fulfilment.pk]
        fulfilment.refunded = sum((r.amount for r in rows), Decimal("0.00"))
        fulfilment.refunded_at = rows[-1].counted_at
    sales.sort(key=lambda f: (f.settled_at, f.pk))
    returns.sort(key=lambda f: (f.returned_at, f.pk))
    refunds.sort(key=lambda f: (f.refunded_at, f.pk))
    return SettlementEntries(sales, returns, awaiting, refunds)


def _paid_online() -> ExpressionWrapper:
    from marketplace.payments.models import PaymentStatus

    return ExpressionWrapper(Q(order__online_payment__status=PaymentStatus.SUCCEEDED), output_field=BooleanField())


def statements_for_user(user) -> QuerySet[SettlementStatement]:
    """Settlement statements of the user's cooperatives (platform staff: all)."""
    return scope_to_cooperatives(SettlementStatement.objects.select_related("partner"), user)


@dataclass(frozen=True)
class StatementFigures:
    """The amounts a statement shows, in yuan, computed once for the page, the XLSX and the PDF.

    Templates only format these (Oscar's ``currency`` filter): Django's ``|add:`` turns
    Decimals into integers and dropped the cents of the accepted total.
    """

    accepted_count: int
    goods: Decimal
    shipping: Decimal
    accepted_total: Decimal
    returns_count: int
    returns_total: Decimal
    amount_due: Decimal
    #: of ``accepted_total``: consumers' parts, which the platform advances
    advanced_total: Decimal = Decimal("0.00")
    #: budget units' parts accepted and not yet paid for: shown apart, not in ``amount_due``
    awaiting_count: int = 0
    awaiting_total: Decimal = Decimal("0.00")
    #: online refunds to buyers of parts that had counted: deducted
    refunds_count: int = 0
    refunds_total: Decimal = Decimal("0.00")


def statement_figures(statement: SettlementStatement) -> StatementFigures:
    return StatementFigures(
        accepted_count=statement.sales_count,
        goods=statement.goods_total,
        shipping=statement.shipping_total,
        accepted_total=statement.goods_total + statement.shipping_total,
        returns_count=statement.returns_count,
        returns_total=statement.returns_total,
        amount_due=statement.amount_due,
        advanced_total=statement.advanced_total,
        awaiting_count=statement.awaiting_count,
        awaiting_total=statement.awaiting_total,
        refunds_count=statement.refunds_count,
        refunds_total=statement.refunds_total,
    )


def statements_with_figures(statements) -> list[SettlementStatement]:
    """The statements, each with its ``figures`` (``StatementFigures``) for display."""
    statements = list(statements)
    for statement in statements:
        statement.figures = statement_figures(statement)
    return statements


def statement_lines(statement: SettlementStatement) -> QuerySet[StatementLine]:
    """A statement's sales and returns in date order, with the order number each names."""
    return (
        statement.lines.exclude(kind=StatementLine.Kind.AWAITING)
        .select_related("fulfilment__order")
        .order_by("day", "pk")
    )


def statement_awaiting_lines(statement: SettlementStatement) -> QuerySet[StatementLine]:
    """A statement's budget-unit parts accepted and awaiting the unit's payment (not included)."""
    return (
        statement.lines.filter(kind=StatementLine.Kind.AWAITING)
        .select_related("fulfilment__order")
        .order_by("day", "pk")
    )


def partners_with_sales(period: datetime.date) -> QuerySet:
    """Cooperatives with parts accepted, returned, paid for by a budget unit or refunded online in the month."""
    start, end = month_bounds(period)
    return Partner.objects.filter(
        Q(fulfilments__accepted_at__gte=start, fulfilments__accepted_at__lt=end)
        | Q(fulfilments__refunds__succeeded_at__gte=start, fulfilments__refunds__succeeded_at__lt=end)
        | Q(fulfilments__returned_at__gte=start, fulfilments__returned_at__lt=end)
        | Q(
            fulfilments__receipt_allocations__created__gte=start,
            fulfilments__receipt_allocations__created__lt=end,
        )
    ).distinct()


def order_prefetch_fulfilments() -> Prefetch:
    return Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("partner"))
