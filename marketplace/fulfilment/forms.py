"""Forms of the order steps; the services check everything again and decide."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin
from marketplace.fulfilment.models import BuyerType, FulfilmentStatus, ShippingMethod
from partners.models import County, Partner


class ShipForm(AccessibleErrorsMixin, forms.Form):
    shipping_method = forms.ModelChoiceField(label=_("Shipping method"), queryset=ShippingMethod.objects.none())
    carrier = forms.CharField(
        label=_("Carrier"), max_length=64, help_text=_("For example 顺丰速运, 京东物流, 中国邮政.")
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)
    compliance_certificate = forms.CharField(
        label=_("Compliance certificate of this batch (optional)"),
        max_length=64,
        required=False,
        help_text=_("The number of the 承诺达标合格证 packed with the goods."),
    )

    def __init__(self, *args, fulfilment, **kwargs):
        super().__init__(*args, **kwargs)
        methods = ShippingMethod.objects.filter(is_active=True)
        if fulfilment.cold_chain:
            methods = methods.filter(cold_chain=True)
        self.fields["shipping_method"].queryset = methods
        self.fields["shipping_method"].initial = fulfilment.shipping_method_id
        if fulfilment.cold_chain:
            self.fields["shipping_method"].help_text = _("These products are chilled or frozen: cold chain only.")


class EvaluateForm(AccessibleErrorsMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[
            (5, _("5 – excellent")),
            (4, _("4 – good")),
            (3, _("3 – fair")),
            (2, _("2 – poor")),
            (1, _("1 – bad")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class FulfilmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Order number or buyer e-mail"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + FulfilmentStatus.choices)
    partner = forms.ModelChoiceField(label=_("Cooperative"), required=False, queryset=Partner.objects.order_by("name"))
    county = forms.ModelChoiceField(label=_("County"), required=False, queryset=County.objects.order_by("name"))
    buyer_type = forms.ChoiceField(label=_("Buyer type"), required=False, choices=[("", _("All"))] + BuyerType.choices)
    date_from = forms.DateField(label=_("Placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    STAFF_ONLY = ("partner", "county", "buyer_type")

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            for name in self.STAFF_ONLY:
                del self.fields[name]


class StatementRequestForm(AccessibleErrorsMixin, forms.Form):
    month = forms.CharField(
        label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}), help_text=_("For example 2026-10.")
    )
    partner = forms.ModelChoiceField(
        label=_("Cooperative"),
        required=False,
        queryset=Partner.objects.order_by("name"),
        empty_label=_("Every cooperative with sales that month"),
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as year-month, for example 2026-10.")) from None
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("A statement can only cover a month that has begun."))
        return month


class MarkPaidForm(AccessibleErrorsMixin, forms.Form):
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=64)
