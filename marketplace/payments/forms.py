from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.templatetags.currency_filters import currency


class StaffRefundForm(forms.Form):
    """A refund by platform staff: one part (and how much of it), or everything still refundable."""

    part = forms.ChoiceField(label=_("Refund"))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Empty: all that can still be refunded of the part."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("part") == "all" and data.get("amount") is not None:
            self.add_error(
                "amount",
                _("The whole order is refunded in full, part by part: leave the amount empty, or choose one part."),
            )
        return data

    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Every part stays a choice, also one with nothing left: the same form sent twice (a double
        # click) must still be valid, so that its one-time token answers with the refund already made.
        self.fields["part"].choices = [("all", _("The whole order (every part's remainder)"))] + [
            (
                str(p.fulfilment.pk),
                f"{p.fulfilment.partner.name} — {currency(p.refundable, p.fulfilment.order.currency)}",
            )
            for p in parts
        ]
