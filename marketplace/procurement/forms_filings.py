"""Forms of reserved-share filings (预留份额填报): what the unit types; the rules live in ``filings``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.procurement.models import BudgetUnit, ReservedShareFiling


class CanteenKind:
    OWN = "own"
    SHARED = "shared"
    NONE = "none"
    CHOICES = [
        (OWN, _("The unit has its own canteen")),
        (SHARED, _("The unit shares another unit's canteen (共用食堂)")),
        (NONE, _("The unit has no canteen (无食堂)")),
    ]


#: Service field → form field, to show a service's refusal next to what the visitor typed.
FIELD_OF = {"has_canteen": "canteen", "ratio": "ratio_percent"}


class FilingForm(forms.Form):
    """The unit's filing for a year; the ratio is typed in per cent."""

    canteen = forms.ChoiceField(
        label=_("Canteen"),
        choices=CanteenKind.CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    shared_canteen_with = forms.ModelChoiceField(
        label=_("Unit that files for the shared canteen"),
        queryset=BudgetUnit.objects.none(),
        required=False,
        help_text=_("Only for a shared canteen: that unit reserves for the canteen, this unit's amount is 0."),
    )
    canteen_outsourced = forms.BooleanField(label=_("The canteen is run by a contractor (食堂外包)"), required=False)
    canteen_food_total = forms.DecimalField(
        label=_("Annual canteen food spending (yuan)"), max_digits=16, decimal_places=2, required=False
    )
    ratio_percent = forms.DecimalField(
        label=_("Reserved ratio (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("At least the published minimum, unless a lower ratio was approved."),
    )
    lower_ratio_authority = forms.CharField(
        label=_("Lower ratio approved by (authority)"), max_length=100, required=False
    )
    lower_ratio_date = forms.DateField(
        label=_("Lower ratio approved on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    lower_ratio_document = forms.CharField(label=_("Approval document number"), max_length=64, required=False)
    union_purchase_need = forms.BooleanField(label=_("The trade union also needs to buy"), required=False)
    remarks = forms.CharField(
        label=_("Remarks"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, unit: BudgetUnit, filing: ReservedShareFiling | None = None, minimum=None, **kwargs):
        if filing is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(filing)
        elif minimum is not None and "initial" not in kwargs:
            kwargs["initial"] = {"canteen": CanteenKind.OWN, "ratio_percent": minimum.minimum_ratio * 100}
        else:
            kwargs.setdefault("initial", {"canteen": CanteenKind.OWN})
        super().__init__(*args, **kwargs)
        root_path = "/" + unit.path.strip("/").split("/")[0] + "/"
        self.fields["shared_canteen_with"].queryset = (
            BudgetUnit.objects.filter(path__startswith=root_path, is_active=True).exclude(pk=unit.pk).order_by("path")
        )

    @staticmethod
    def initial_from(filing: ReservedShareFiling) -> dict:
        if not filing.has_canteen:
            kind = CanteenKind.NONE
        elif filing.shared_canteen_with_id:
            kind = CanteenKind.SHARED
        else:
            kind = CanteenKind.OWN
        return {
            "canteen": kind,
            "shared_canteen_with": filing.shared_canteen_with_id,
            "canteen_outsourced": filing.canteen_outsourced,
            "canteen_food_total": filing.canteen_food_total,
            "ratio_percent": (filing.ratio * 100).quantize(Decimal("0.01")),
            "lower_ratio_authority": filing.lower_ratio_authority,
            "lower_ratio_date": filing.lower_ratio_date,
            "lower_ratio_document": filing.lower_ratio_document,
            "union_purchase_need": filing.union_purchase_need,
            "remarks": filing.remarks,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("canteen") == CanteenKind.SHARED and not cleaned.get("shared_canteen_with"):
            self.add_error("shared_canteen_with", _("Choose the unit that files for the shared canteen."))
        return cleaned

    def to_data(self) -> dict:
        """The service's ``data`` (``filings.filing_save``)."""
        cleaned = self.cleaned_data
        kind = cleaned["canteen"]
        percent = cleaned.get("ratio_percent")
        return {
            "has_canteen": kind != CanteenKind.NONE,
            "shared_canteen_with": cleaned.get("shared_canteen_with") if kind == CanteenKind.SHARED else None,
            "canteen_outsourced": cleaned.get("canteen_outsourced", False),
            "canteen_food_total": cleaned.get("canteen_food_total"),
            "ratio": (percent / 100).quantize(Decimal("0.0001")) if percent is not None else None,
            "lower_ratio_authority": cleaned.get("lower_ratio_authority", ""),
            "lower_ratio_date": cleaned.get("lower_ratio_date"),
            "lower_ratio_document": cleaned.get("lower_ratio_document", ""),
            "union_purchase_need": cleaned.get("union_purchase_need", False),
            "remarks": cleaned.get("remarks", ""),
        }

    def add_service_errors(self, error) -> None:
        """Show a ``ValidationError`` of the service on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(
                    FIELD_OF.get(field, field) if FIELD_OF.get(field, field) in self.fields else None, messages
                )
        else:
            self.add_error(None, error.messages)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(forms.Form):
    until = forms.DateField(
        label=_("Allow a late filing until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
