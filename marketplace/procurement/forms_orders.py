"""Forms of a budget unit's orders: the choice at checkout, approval, acceptance. The services
(``ordering``, ``approvals``, ``fulfilment.services``) check everything again and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin
from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.procurement.models import SHIP_WITHIN_CHOICES, ApprovalStatus

RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class UnitPurchaseForm(forms.Form):
    """Which unit the order is for and its latest ship date, shown on the checkout preview."""

    unit = forms.TypedChoiceField(label=_("Order for the unit"), coerce=int, widget=RADIO)
    ship_within_days = forms.TypedChoiceField(
        label=_("Latest ship date"), coerce=int, choices=SHIP_WITHIN_CHOICES, widget=RADIO
    )

    def __init__(self, *args, units, purchase=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
        if purchase is not None:
            self.fields["unit"].initial = purchase.unit.pk
            self.fields["ship_within_days"].initial = purchase.ship_within_days
        self.several_units = len(units) > 1


class RejectForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(AccessibleErrorsMixin, forms.Form):
    problem = forms.CharField(
        label=_("What is wrong with the delivery"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvaluationForm(AccessibleErrorsMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        widget=forms.Select,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnitOrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Part status"), required=False, choices=[("", _("All"))] + FulfilmentStatus.choices
    )
    approval = forms.ChoiceField(label=_("Approval"), required=False, choices=[("", _("All"))] + ApprovalStatus.choices)
