"""Money a budget unit owes and pays (应付货款与货款认领): due dates, receipts and their matching.

- A budget-unit part is **owed** once accepted (履约验收) and not returned: due ``payment_term_days``
  after the day of acceptance (30 by default, 《保障中小企业款项支付条例》; never beyond 60). A part of
  a pay-first order (先款后货) is owed from placement: it waits "awaiting payment" and is due at once.
- **Outstanding** = the part's total (goods + shipping) less what receipts were matched to it.
- The unit's finance records each bank receipt (``receipt_record``) and matches it to parts or
  whole orders (``receipt_allocate``), partly if need be; a pay-first part fully paid is released
  to its cooperative (``fulfilment.services.fulfilment_release(step=PAY)``).

Every write refuses with ``PermissionDenied`` (not the unit's finance) or ``ValidationError`` (bad
input) and changes nothing. Money is ``Decimal`` and rounded with ``models.money_round``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.fulfilment.models import BuyerType, Fulfilment, FulfilmentStatus, FulfilmentStep
from marketplace.procurement import access
from marketplace.procurement.models import (
    DEFAULT_PAYMENT_TERM_DAYS,
    MAX_PAYMENT_TERM_DAYS,
    ZERO,
    BudgetUnit,
    PayerKind,
    PaymentMode,
    Receipt,
    ReceiptAllocation,
    money_round,
    payment_due_on,
)

#: The statuses in which a budget-unit part is owed: accepted (先货后款), or waiting for the
#: money before it ships (先款后货). A returned part is owed no more.
OWED_STATUSES = (FulfilmentStatus.ACCEPTED, FulfilmentStatus.AWAITING_PAYMENT)

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _paid_sum(prefix: str = "receipt_allocations__amount"):
    return Coalesce(Sum(prefix), Value(ZERO), output_field=_MONEY)


def term_days(unit_order) -> int:
    """The order's payment term: its own (30 by default), never beyond 60 days."""
    return min(unit_order.payment_term_days or DEFAULT_PAYMENT_TERM_DAYS, MAX_PAYMENT_TERM_DAYS)


def due_on(fulfilment: Fulfilment) -> datetime.date | None:
    """When the unit must have paid for the part: acceptance + the term; a pay-first part waiting
    for payment is due from placement (the day the order was placed). ``None``: not owed yet."""
    unit_order = fulfilment.order.unit_order
    if fulfilment.status == FulfilmentStatus.AWAITING_PAYMENT:
        return timezone.localtime(unit_order.placed_at).date()
    if fulfilment.accepted_at is None:
        return None
    return payment_due_on(fulfilment.accepted_at, term_days(unit_order))


# --------------------------------------------------------------------------- selectors
@dataclass
class PartOwed:
    """One budget-unit part the unit owes for, with its due date and what is left to pay."""

    fulfilment: Fulfilment
    due_on: datetime.date
    total: Decimal
    paid: Decimal
    overdue: bool

    @property
    def outstanding(self) -> Decimal:
        return money_round(self.total - self.paid)

    @property
    def unit(self) -> BudgetUnit:
        return self.fulfilment.order.unit_order.unit

    @property
    def order_number(self) -> str:
        return self.fulfilment.order.number

    @property
    def pay_first(self) -> bool:
        return self.fulfilment.status == FulfilmentStatus.AWAITING_PAYMENT


def _owed_queryset(units) -> QuerySet[Fulfilment]:
    unit_ids = units.values("pk") if isinstance(units, QuerySet) else [unit.pk for unit in units]
    return (
        Fulfilment.objects.filter(
            buyer_type=BuyerType.BUDGET_UNIT,
            status__in=OWED_STATUSES,
            order__unit_order__unit_id__in=unit_ids,
        )
        .select_related("order", "order__unit_order", "order__unit_order__unit", "partner")
        .annotate(paid=_paid_sum())
    )


def parts_owed(*, units: Iterable[BudgetUnit] | QuerySet, today: datetime.date | None = None) -> list[PartOwed]:
    """The parts ``units`` still owe for (outstanding > 0), oldest due first."""
    today = today or timezone.localdate()
    owed = []
    for fulfilment in _owed_queryset(units):
        total = money_round(fulfilment.total)
        paid = money_round(fulfilment.paid)
        if paid >= total:
            continue
        due = due_on(fulfilment)
        # Overdue is money owed for goods received and accepted (《保障中小企业款项支付条例》): a pay-first part
        # still waiting for its money is owed from placement but not late — nothing has shipped. The
        # progress pages count the same way (``progress.overdue_payments``).
        overdue = fulfilment.status == FulfilmentStatus.ACCEPTED and due < today
        owed.append(PartOwed(fulfilment=fulfilment, due_on=due, total=total, paid=paid, overdue=overdue))
    owed.sort(key=lambda part: (part.due_on, part.fulfilment.pk))
    return owed


def overdue_parts(*, units: Iterable[BudgetUnit] | QuerySet, today: datetime.date | None = None) -> list[PartOwed]:
    """The parts of ``units`` past their due date and not fully paid (逾期), oldest due first."""
    return [part for part in parts_owed(units=units, today=today) if part.overdue]


def overdue_by_unit(*, units, today: datetime.date | None = None) -> list[tuple[BudgetUnit, list[PartOwed], Decimal]]:
    """Overdue parts grouped by unit (in hierarchy order), with each unit's overdue total."""
    groups: dict[int, list[PartOwed]] = {}
    for part in overdue_parts(units=units, today=today):
        groups.setdefault(part.unit.pk, []).append(part)
    result = [
        (parts[0].unit, parts, money_round(sum((p.outstanding for p in parts), ZERO))) for parts in groups.values()
    ]
    result.sort(key=lambda group: (group[0].path, group[0].pk))
    return result


def unit_outstanding(*, unit: BudgetUnit) -> Decimal:
    """Everything the unit still owes (all its parts owed)."""
    return money_round(sum((part.outstanding for part in parts_owed(units=[unit])), ZERO))


def receipts_with_remainder(queryset: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """Receipts with ``allocated`` (matched so far) annotated."""
    return queryset.annotate(allocated=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=_MONEY))


def _unmatched_money(unit: BudgetUnit, exclude_pk: int | None = None) -> Decimal:
    """Money the unit has received but not yet matched to any part."""
    receipts = receipts_with_remainder(Receipt.objects.filter(unit=unit))
    if exclude_pk:
        receipts = receipts.exclude(pk=exclude_pk)
    return money_round(sum((r.amount - r.allocated for r in receipts), ZERO))


def receipts_unmatched(*, unit: BudgetUnit) -> list[Receipt]:
    """The unit's receipts not (or only partly) matched to parts, each with ``remainder``."""
    receipts = []
    for receipt in receipts_with_remainder(Receipt.objects.filter(unit=unit)).order_by("received_on", "pk"):
        receipt.remainder = money_round(receipt.amount - receipt.allocated)
        if receipt.remainder > 0:
            receipts.append(receipt)
    return receipts


def receipts_of(*, unit: BudgetUnit) -> list[Receipt]:
    """All the unit's receipts, newest first, each with ``allocated`` and ``remainder``."""
    receipts = list(receipts_with_remainder(Receipt.objects.filter(unit=unit)).select_related("recorded_by"))
    for receipt in receipts:
        receipt.remainder = money_round(receipt.amount - receipt.allocated)
    return receipts


def receipt_for(*, unit: BudgetUnit, pk: int) -> Receipt | None:
    """One receipt of ``unit`` (never another unit's), with ``allocated`` and ``remainder``."""
    receipt = receipts_with_remainder(Receipt.objects.filter(unit=unit, pk=pk)).select_related("recorded_by").first()
    if receipt is not None:
        receipt.remainder = money_round(receipt.amount - receipt.allocated)
    return receipt


def receipt_allocations(*, receipt: Receipt) -> QuerySet[ReceiptAllocation]:
    return receipt.allocations.select_related("fulfilment__order", "fulfilment__partner", "matched_by").order_by("pk")


def fulfilment_paid(*, fulfilment: Fulfilment) -> Decimal:
    """What receipts paid for the part so far."""
    return money_round(
        ReceiptAllocation.objects.filter(fulfilment=fulfilment).aggregate(total=_paid_sum("amount"))["total"]
    )


# --------------------------------------------------------------------------- services
def _require_finance(user, unit: BudgetUnit) -> None:
    if not access.has_unit_role(user, unit, "finance"):
        raise PermissionDenied(
            _("Only the finance staff of %(unit)s may record and match its payments.") % {"unit": unit.name}
        )


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in yuan, such as 1280.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan, such as 1280.50.")})
    if amount != money_round(amount):
        raise ValidationError({field: _("An amount has at most two decimal places (fen).")})
    return money_round(amount)


def receipt_record(
    *,
    unit: BudgetUnit,
    user,
    payer_name: str,
    payer_kind: str,
    amount,
    received_on: datetime.date,
    reference: str,
) -> Receipt:
    """The unit's finance records money received from the bank (货款到账): a payer (the unit, its
    trade union, its staff or another), the amount, the day and the bank reference.

    Refused, changing nothing: a person who is not finance of this very unit; an amount not above
    zero; a day in the future; a reference already recorded for the unit; an amount larger than
    what the unit owes now (all its parts owed, less money it has received and not yet matched).
    The unit's row is locked so that two receipts recorded at once are checked one after the other.
    Side effects: none beyond the receipt (matching is ``receipt_allocate``).
    """
    _require_finance(user, unit)
    payer_name = " ".join((payer_name or "").split())
    reference = " ".join((reference or "").split())
    errors = {}
    if not payer_name:
        errors["payer_name"] = _("Enter who paid.")
    if payer_kind not in PayerKind.values:
        errors["payer_kind"] = _("Choose who the payer is.")
    if not reference:
        errors["reference"] = _("Enter the bank reference of the payment.")
    if received_on is None:
        errors["received_on"] = _("Enter the day the money arrived.")
    elif received_on > timezone.localdate():
        errors["received_on"] = _("The day the money arrived cannot be in the future.")
    try:
        amount = _decimal(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if amount <= 0:
            errors["amount"] = _("The amount must be more than zero.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        BudgetUnit.objects.select_for_update().filter(pk=unit.pk).first()
        if Receipt.objects.filter(unit=unit, reference=reference).exists():
            raise ValidationError({"reference": _("A payment with this bank reference is already recorded.")})
        due = money_round(unit_outstanding(unit=unit) - _unmatched_money(unit))
        if amount > due:
            raise ValidationError(
                {
                    "amount": _(
                        "This payment (%(amount)s yuan) is larger than what the unit owes now (%(due)s yuan): "
                        "a receipt larger than what is due is refused."
                    )
                    % {"amount": amount, "due": max(due, ZERO)}
                }
            )
        try:
            with transaction.atomic():
                return Receipt.objects.create(
                    unit=unit,
                    payer_name=payer_name[:100],
                    payer_kind=payer_kind,
                    amount=amount,
                    received_on=received_on,
                    reference=reference[:64],
                    recorded_by=user,
                )
        except IntegrityError:
            raise ValidationError({"reference": _("A payment with this bank reference is already recorded.")}) from None


def _order_parts(order, unit: BudgetUnit) -> list[Fulfilment]:
    return [part.fulfilment for part in parts_owed(units=[unit]) if part.fulfilment.order_id == order.pk]


def receipt_allocate(*, receipt: Receipt, user, allocations: list[tuple[object, object]]) -> list[ReceiptAllocation]:
    """Match a receipt to parts the unit owes for (货款认领): ``allocations`` is ``[(target, amount),
    …]`` where a target is a part (``Fulfilment``) or a whole order (its parts owed, oldest due
    first). Partial payments are allowed; the rest stays outstanding.

    Refused, changing nothing: a person who is not finance of the receipt's unit; a part of another
    unit, or one not owed (not accepted, or returned); an amount over a part's outstanding amount;
    more than the receipt's unmatched remainder. The receipt's and the parts' rows are locked in
    one transaction, so a form sent twice cannot match the same money twice.
    Side effects: a pay-first part (先款后货) paid in full is released to its cooperative
    (``fulfilment_release(step=PAY)``: it can ship and is told of the order after commit).
    """
    from marketplace.fulfilment import services as fulfilment_services

    Order = Fulfilment._meta.get_field("order").related_model
    if not allocations:
        raise ValidationError(_("Choose at least one part or order to match the payment to."))
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().select_related("unit").get(pk=receipt.pk)
        unit = receipt.unit
        _require_finance(user, unit)
        # what each part receives: orders are split over their parts, oldest due first
        wanted: list[tuple[int, Decimal]] = []
        for target, raw_amount in allocations:
            amount = _decimal(raw_amount, "amount")
            if amount <= 0:
                raise ValidationError({"amount": _("The amount must be more than zero.")})
            if isinstance(target, Order):
                if not hasattr(target, "unit_order") or target.unit_order.unit_id != unit.pk:
                    raise ValidationError(
                        _("Order %(number)s is not an order of %(unit)s.")
                        % {
                            "number": target.number,
                            "unit": unit.name,
                        }
                    )
                parts = _order_parts(target, unit)
                if not parts:
                    raise ValidationError(_("Nothing is owed for order %(number)s.") % {"number": target.number})
                left = amount
                for part in parts:
                    if left <= 0:
                        break
                    share = min(left, money_round(part.total - part.paid))
                    wanted.append((part.pk, share))
                    left -= share
                if left > 0:
                    raise ValidationError(
                        {
                            "amount": _("%(amount)s yuan is more than is owed for order %(number)s.")
                            % {"amount": amount, "number": target.number}
                        }
                    )
            else:
                wanted.append((target.pk, amount))
        part_ids = sorted({pk for pk, _amount in wanted})
        locked = {
            part.pk: part
            for part in Fulfilment.objects.select_for_update(of=("self",))
            .select_related("order", "order__unit_order")
            .filter(pk__in=part_ids)
            .order_by("pk")
        }
        paid = {
            row["fulfilment_id"]: row["total"]
            for row in ReceiptAllocation.objects.filter(fulfilment_id__in=part_ids)
            .values("fulfilment_id")
            .annotate(total=Sum("amount"))
        }
        for pk, amount in wanted:
            part = locked.get(pk)
            unit_order = getattr(part.order, "unit_order", None) if part else None
            if (
                part is None
                or part.buyer_type != BuyerType.BUDGET_UNIT
                or unit_order is None
                or unit_order.unit_id != unit.pk
            ):
                raise ValidationError(_("That part is not an order part of %(unit)s.") % {"unit": unit.name})
            if part.status not in OWED_STATUSES:
                raise ValidationError(
                    _("Nothing is owed for %(part)s: it is “%(status)s”.")
                    % {"part": part.reference, "status": part.get_status_display()}
                )
            outstanding = money_round(part.total - paid.get(pk, ZERO))
            if amount > outstanding:
                raise ValidationError(
                    {
                        "amount": _("%(amount)s yuan is more than the %(outstanding)s yuan outstanding for %(part)s.")
                        % {"amount": amount, "outstanding": outstanding, "part": part.reference}
                    }
                )
            paid[pk] = paid.get(pk, ZERO) + amount
        total = money_round(sum((amount for _pk, amount in wanted), ZERO))
        allocated = ReceiptAllocation.objects.filter(receipt=receipt).aggregate(total=_paid_sum("amount"))["total"]
        remainder = money_round(receipt.amount - allocated)
        if total > remainder:
            raise ValidationError(
                {
                    "amount": _("%(total)s yuan is more than the %(remainder)s yuan of this payment not yet matched.")
                    % {"total": total, "remainder": remainder}
                }
            )
        created = ReceiptAllocation.objects.bulk_create(
            [
                ReceiptAllocation(receipt=receipt, fulfilment_id=pk, amount=amount, matched_by=user)
                for pk, amount in wanted
            ]
        )
        for pk in part_ids:
            part = locked[pk]
            if (
                part.status == FulfilmentStatus.AWAITING_PAYMENT
                and part.order.unit_order.payment_mode == PaymentMode.PAY_FIRST
                and paid[pk] >= money_round(part.total)
            ):
                fulfilment_services.fulfilment_release(
                    fulfilment=part,
                    step=FulfilmentStep.PAY,
                    user=user,
                    ship_within_days=part.order.unit_order.ship_within_days,
                )
    return created


def allocations_release(*, fulfilment: Fulfilment) -> Decimal:
    """Money matched to a part that is cancelled goes back to its receipts, unmatched (call inside
    the cancellation's transaction): the unit's finance sees it among the receipts not yet matched,
    to match to another part or to have refunded. Returns the amount.
    """
    allocations = ReceiptAllocation.objects.select_for_update().filter(fulfilment=fulfilment).order_by("pk")
    released = money_round(sum((allocation.amount for allocation in allocations), ZERO))
    if released:
        ReceiptAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).delete()
    return released
