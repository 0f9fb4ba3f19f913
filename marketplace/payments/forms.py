from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


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
        self.fields["part"].choices = [("all", _("The whole order (every part's remainder)"))] + [
            (str(p.fulfilment.pk), f"{p.fulfilment.partner.name} — {p.refundable}") for p in parts if p.refundable > 0
        ]
