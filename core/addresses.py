"""Chinese delivery addresses (收货地址) on Oscar's address fields, and how a courier label reads them.

Oscar's address models are kept (no fork); a Chinese address maps onto them as:

==================  =========================================================
``first_name``      收货人, the recipient's full name (``last_name`` stays empty)
``phone_number``    手机号 in E.164 (+86…, +852…, +853…)
``state``           省级: 广东省, 北京市, 香港特别行政区, 澳门特别行政区
``line4``           市: 深圳市; the municipality itself for 北京/天津/上海/重庆;
                    香港岛/九龙/新界; 澳门半岛/澳门外岛
``line3``           区/县: 南山区; a Hong Kong district; a Macau parish
``line1``           详细地址: street, number, building, room
``postcode``        邮编, mainland only, optional
``country``         derived from the province: CN, HK or MO (never chosen)
==================  =========================================================

``address_label`` is the one place that decides how an address is shown: on the checkout,
the buyer's and the cooperative's pages, staff's screens and exports, and in e-mails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from oscar.core.loading import get_model

from core import phones, regions

POSTCODE = re.compile(r"\d{6}")
_CJK = re.compile(r"[\u3400-\u9fff]")
#: How Hong Kong and Macau begin their own addresses.
_SAR_PREFIX = {regions.HONG_KONG: "香港", regions.MACAU: "澳门"}


def address_fields_clean(*, province: str, city: str, district: str, phone: str, postcode: str) -> dict:
    """Oscar address fields for a chosen province/city/district, phone and postcode.

    Returns ``state``, ``line4``, ``line3``, ``country`` (a ``Country``), ``phone_number`` (E.164)
    and ``postcode`` (kept for the mainland only). Raises ``ValidationError`` keyed by
    ``province``, ``city``, ``district``, ``phone_number`` and ``postcode``, every wrong
    value at once, each said for the place chosen.
    """
    errors: dict[str, list] = {}
    place = regions.MAINLAND
    fields: dict = {}
    try:
        found_province, found_city, found_district = regions.chain_validate(
            province=province, city=city, district=district
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        found = regions.region(province)
        if found is not None and found.level == 1:
            place = found.country
    else:
        place = found_province.country
        fields.update(
            state=found_province.name,
            line4=found_city.name,
            line3=found_district.name if found_district else "",
        )
        Country = get_model("address", "Country")
        country = Country._default_manager.filter(iso_3166_1_a2=place, is_shipping_country=True).first()
        if country is None:
            errors["province"] = [_("We do not deliver to %(place)s yet.") % {"place": found_province.name}]
        fields["country"] = country
    try:
        fields["phone_number"] = phones.phone_normalise(phone, place=place)
    except ValidationError as error:
        errors["phone_number"] = error.messages
    postcode = (postcode or "").strip().replace(" ", "")
    if place == regions.MAINLAND and postcode and not POSTCODE.fullmatch(postcode):
        errors["postcode"] = [_("A postcode has 6 digits, e.g. 518057. You may leave it empty.")]
    fields["postcode"] = postcode if place == regions.MAINLAND else ""
    if errors:
        raise ValidationError(errors)
    return fields


def address_codes(address) -> tuple[str, str, str]:
    """The (province, city, district) codes of a stored address, as far as its names are known."""
    province = regions.province_by_name(getattr(address, "state", "") or "")
    if province is None:
        return "", "", ""
    city = regions.city_by_name(province, getattr(address, "line4", "") or "")
    if city is None:
        return province.code, "", ""
    district = regions.district_by_name(city, getattr(address, "line3", "") or "")
    return province.code, city.code, district.code if district else ""


def address_place(address) -> str:
    """CN, HK or MO: from the province named, else from the stored country."""
    province = regions.province_by_name(getattr(address, "state", "") or "")
    if province is not None:
        return province.country
    country = getattr(address, "country_id", None)
    return country if country in (regions.HONG_KONG, regions.MACAU) else regions.MAINLAND


def recipient_name(address) -> str:
    """The recipient; an address from the old Western form may still split the name in two."""
    first = (getattr(address, "first_name", "") or "").strip()
    last = (getattr(address, "last_name", "") or "").strip()
    if first and last:
        return last + first if _CJK.search(first + last) else f"{first} {last}"
    return first or last


@dataclass(frozen=True)
class AddressLabel:
    """An address as a courier label reads it (面单): who and how to call, where, postcode."""

    name: str
    phone: str
    region: str
    detail: str
    postcode: str
    notes: str = ""

    @property
    def contact_line(self) -> str:
        return " ".join(part for part in (self.name, self.phone) if part)

    @property
    def address_line(self) -> str:
        return " ".join(part for part in (self.region, self.detail) if part)

    @property
    def postcode_line(self) -> str:
        return f"{pgettext('address label', 'Postcode')} {self.postcode}" if self.postcode else ""

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.contact_line, self.address_line, self.postcode_line) if line]

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _clean(value) -> str:
    return " ".join(str(value or "").split())


def address_label(address) -> AddressLabel | None:
    """The label of an Oscar address (order, user or shipping), or None for no address.

    Mainland: 收货人 手机号 / 省 市 区 详细地址 / 邮编 (a municipality named once: 北京市 朝阳区).
    Hong Kong: 香港 九龙 油尖旺区 详细地址, no postcode. Macau: 澳门 大堂区 详细地址 (the
    parish; its peninsula or island is not part of an address there), no postcode. Numbers
    across the border carry their calling code.
    """
    if address is None:
        return None
    place = address_place(address)
    state, city, district = _clean(address.state), _clean(address.line4), _clean(address.line3)
    if place == regions.HONG_KONG:
        parts = [_SAR_PREFIX[place], city, district]
    elif place == regions.MACAU:
        parts = [_SAR_PREFIX[place], district or city]
    else:
        if city in ("市辖区", "县"):  # an old address of a municipality, straight from the source's levels
            city = ""
        parts = [state, "" if city == state else city, district]
    detail = " ".join(part for part in (_clean(address.line1), _clean(getattr(address, "line2", ""))) if part)
    return AddressLabel(
        name=recipient_name(address),
        phone=phones.phone_display(getattr(address, "phone_number", "") or ""),
        region=" ".join(part for part in parts if part),
        detail=detail,
        postcode=_clean(address.postcode) if place == regions.MAINLAND else "",
        notes=(getattr(address, "notes", "") or "").strip(),
    )
