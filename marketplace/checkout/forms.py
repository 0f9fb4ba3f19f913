"""A Chinese delivery address (收货地址) for checkout and the address book.

收货人, 手机号, 省/市/区 from the reference data (``core.regions``), 详细地址, optional 邮编; the
country follows from the province and is never asked. Hong Kong and Macau change the form's
shape: their areas and districts, their phone numbers, no postcode. The selects are filled on
the server for the current choice, so the form works without JavaScript; with it
(``checkout/address-form.js``) the cities and districts follow the province at once.

Oscar loads ``ShippingAddressForm`` from here (``checkout.forms``); ``UserAddressForm`` is used by
our checkout and address-book views (the address app is not forked).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.core.loading import get_model

from core import addresses, phones, regions

MAINLAND, HONG_KONG, MACAU = regions.MAINLAND, regions.HONG_KONG, regions.MACAU

#: The labels and help that change with the place chosen (the JavaScript switches them too).
SHAPE_LABELS = {
    "city": {
        MAINLAND: pgettext_lazy("address", "City"),
        HONG_KONG: pgettext_lazy("address", "Area"),
        MACAU: pgettext_lazy("address", "Area"),
    },
    "district": {
        MAINLAND: pgettext_lazy("address", "District or county"),
        HONG_KONG: pgettext_lazy("address", "District"),
        MACAU: pgettext_lazy("address", "Parish"),
    },
    "phone_number": {
        MAINLAND: _("Mobile number"),
        HONG_KONG: _("Hong Kong phone number"),
        MACAU: _("Macau mobile number"),
    },
}
SHAPE_HELP = {
    "phone_number": {
        MAINLAND: _("11 digits, e.g. 138 0013 8000"),
        HONG_KONG: _("8 digits, e.g. 5123 4567"),
        MACAU: _("8 digits beginning with 6, e.g. 6612 3456"),
    },
}
REGION_FIELDS = ("province", "city", "district")


def _select(level: str, autocomplete: str) -> forms.Select:
    return forms.Select(attrs={"data-region": level, "autocomplete": autocomplete})


class ChineseAddressForm(forms.ModelForm):
    """Oscar's address fields filled the Chinese way (mapping: ``core.addresses``)."""

    phone_number = forms.CharField(
        max_length=32,
        error_messages={"required": _("Enter a phone number: the courier calls it on delivery.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    province = forms.CharField(
        label=pgettext_lazy("address", "Province or region"),
        error_messages={"required": _("Choose the province or region.")},
        widget=_select("province", "address-level1"),
    )
    city = forms.CharField(
        error_messages={"required": regions.CITY_MISSING[MAINLAND]}, widget=_select("city", "address-level2")
    )
    district = forms.CharField(required=False, widget=_select("district", "address-level3"))

    field_order = ["first_name", "phone_number", "province", "city", "district", "line1", "postcode"]

    class Meta:
        fields = ["first_name", "phone_number", "line1", "postcode"]
        labels = {
            "first_name": _("Recipient"),
            "line1": _("Detailed address"),
            "postcode": _("Postcode (optional)"),
        }
        help_texts = {
            "first_name": _("Full name, as on the parcel"),
            "line1": _("Street and number, building, floor and room"),
        }
        error_messages = {
            "first_name": {"required": _("Enter the recipient's name.")},
            "line1": {"required": _("Enter the street and number, building and room.")},
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["line1"].required = True
        self.fields["postcode"].required = False
        province, city, district = self._current_codes()
        found = regions.region(province)
        self.place = found.country if found is not None and found.level == 1 else MAINLAND
        for name, labels in SHAPE_LABELS.items():
            self.fields[name].label = labels[self.place]
            self.fields[name].shape_labels = labels
        for name, helps in SHAPE_HELP.items():
            self.fields[name].help_text = helps[self.place]
            self.fields[name].shape_help = helps
        self.fields["city"].error_messages["required"] = regions.CITY_MISSING[self.place]
        self.fields["district"].error_messages["required"] = regions.DISTRICT_MISSING[self.place]
        choose = _("Choose…")
        self.fields["province"].widget.choices = [("", choose)] + [(r.code, r.name) for r in regions.provinces()]
        self.fields["city"].widget.choices = [("", choose)] + [(r.code, r.name) for r in regions.children(province)]
        districts = regions.children(city)
        self.fields["district"].widget.choices = [("", choose)] + [(r.code, r.name) for r in districts]
        city_region = regions.region(city)
        self.fields["district"].required = not (city_region and city_region.level == 2 and not districts)
        # What is not part of this place's address is still rendered, hidden, for the JavaScript.
        self.fields["postcode"].hidden_here = self.place != MAINLAND
        self.fields["district"].hidden_here = not self.fields["district"].required
        if not self.is_bound:
            self.initial.update(province=province, city=city, district=district)
            phone = self.initial.get("phone_number") or getattr(self.instance, "phone_number", "")
            self.initial["phone_number"] = phones.phone_national(phone)
        self.order_fields(self.field_order)

    def _current_codes(self) -> tuple[str, str, str]:
        if self.is_bound:
            return tuple(str(self.data.get(self.add_prefix(name), "") or "").strip() for name in REGION_FIELDS)
        if self.initial.get("province"):
            return tuple(self.initial.get(name, "") for name in REGION_FIELDS)
        if self.initial.get("state"):  # checkout: the address kept in the session
            return addresses.address_codes(
                SimpleNamespace(**{k: self.initial.get(k, "") for k in ("state", "line4", "line3")})
            )
        return addresses.address_codes(self.instance)

    @property
    def places(self) -> str:
        """Province codes whose addresses are not mainland ones, for the JavaScript: {"81": "HK", …}."""
        return json.dumps(regions.SAR_COUNTRIES)

    def clean(self):
        cleaned = super().clean()
        try:
            fields = addresses.address_fields_clean(
                province=cleaned.get("province", ""),
                city=cleaned.get("city", ""),
                district=cleaned.get("district", ""),
                phone=cleaned.get("phone_number", ""),
                postcode=cleaned.get("postcode", ""),
            )
        except forms.ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, messages)
            if "province" in self.errors or "city" in self.errors:
                self.errors.pop("district", None)  # one level at a time: the city first
            return cleaned
        cleaned["phone_number"] = fields.pop("phone_number")
        cleaned["postcode"] = fields.pop("postcode")
        for name, value in fields.items():
            setattr(self.instance, name, value)
        self.instance.last_name = ""
        self.instance.line2 = ""
        return cleaned


class ShippingAddressForm(ChineseAddressForm):
    """The checkout's new-address form (Oscar's ``checkout.forms.ShippingAddressForm``)."""

    class Meta(ChineseAddressForm.Meta):
        model = get_model("order", "ShippingAddress")


class UserAddressForm(ChineseAddressForm):
    """An address of the buyer's address book (地址簿), optionally the default one."""

    field_order = [*ChineseAddressForm.field_order, "is_default_for_shipping"]

    class Meta(ChineseAddressForm.Meta):
        model = get_model("address", "UserAddress")
        fields = [*ChineseAddressForm.Meta.fields, "is_default_for_shipping"]
        labels = {**ChineseAddressForm.Meta.labels, "is_default_for_shipping": _("Use as my default delivery address")}

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
        if not self.is_bound and self.instance.pk is None and not user.addresses.exists():
            self.initial["is_default_for_shipping"] = True  # the first address is the default
