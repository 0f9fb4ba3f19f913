"""Forms of 货款认领: a bank receipt, and a match of a receipt to a part or an order.

The forms only read what was typed; ``procurement.payments`` checks everything again and decides.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin
from marketplace.procurement.models import PayerKind


class ReceiptForm(AccessibleErrorsMixin, forms.Form):
    payer_name = forms.CharField(label=_("Payer"), max_length=100, help_text=_("The account name on the bank slip."))
    payer_kind = forms.ChoiceField(label=_("Payer is"), choices=PayerKind.choices, initial=PayerKind.UNIT)
    amount = forms.DecimalField(
        label=_("Amount received (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=64)


class MatchForm(AccessibleErrorsMixin, forms.Form):
    """One match: a receipt (chosen, or fixed by the receipt's page), a part or a whole order, an amount."""

    receipt = forms.TypedChoiceField(label=_("Payment received"), coerce=int)
    target = forms.ChoiceField(label=_("Pay for"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))

    def __init__(self, *args, receipts, parts, fixed_receipt=None, **kwargs):
        super().__init__(*args, prefix="match", **kwargs)
        if fixed_receipt is not None:
            self.fields["receipt"].choices = [(fixed_receipt.pk, str(fixed_receipt))]
            self.fields["receipt"].initial = fixed_receipt.pk
            self.fields["receipt"].widget = forms.HiddenInput()
        else:
            self.fields["receipt"].choices = [
                (
                    r.pk,
                    _("%(reference)s · %(payer)s · %(remainder)s yuan left")
                    % {"reference": r.reference, "payer": r.payer_name, "remainder": r.remainder},
                )
                for r in receipts
            ]
        orders: dict[int, tuple[str, Decimal]] = {}
        part_choices = []
        for part in parts:
            fulfilment = part.fulfilment
            part_choices.append(
                (
                    f"part:{fulfilment.pk}",
                    _("%(order)s · %(cooperative)s · %(outstanding)s yuan outstanding")
                    % {
                        "order": part.order_number,
                        "cooperative": fulfilment.partner.name,
                        "outstanding": part.outstanding,
                    },
                )
            )
            number, total = orders.get(fulfilment.order_id, (part.order_number, Decimal("0.00")))
            orders[fulfilment.order_id] = (number, total + part.outstanding)
        order_choices = [
            (
                f"order:{pk}",
                _("Whole order %(order)s · %(outstanding)s yuan outstanding") % {"order": number, "outstanding": total},
            )
            for pk, (number, total) in orders.items()
        ]
        self.fields["target"].choices = [
            (_("Parts"), part_choices),
            (_("Whole orders (oldest due first)"), order_choices),
        ]

    def target_kind_and_pk(self) -> tuple[str, int]:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        return kind, int(pk)
