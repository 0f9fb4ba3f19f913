"""Personal data (个人信息) in the Django admin: masked, and never a way to find out what is masked.

A masked list is worth nothing if the admin still filters on the hidden value: with
``?mobile__startswith=1381`` and a count of the rows, anyone with the admin recovers a masked
number digit by digit. ``PersonalDataAdminMixin`` refuses that, for every admin of a model with
personal fields; staff needing a full number use the logged views of the app that owns it.
"""

from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

# Model → names of its personal fields, as declared by the admins of those models.
_PERSONAL_FIELDS: dict[type, frozenset[str]] = {}


def mask_digits(value: str) -> str:
    """``13812341234`` → ``138****1234``: the first three and the last four characters stay."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_phone(value) -> str:
    """A phone number (text or a ``PhoneNumber``) with its middle hidden: ``+86 138****1234``."""
    if not value:
        return ""
    national = getattr(value, "national_number", None)
    if national:
        return f"+{value.country_code} {mask_digits(str(national))}"
    return mask_digits(str(value))


def mask_name(value: str) -> str:
    """``韦小梅`` → ``韦**``: the first character stays, so staff can tell rows apart."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * min(len(value) - 1, 5)


def touches_personal_data(model: type, lookup: str) -> bool:
    """Whether a lookup path (``mobile__startswith``, ``application__name``) reads a personal field."""
    for part in lookup.lstrip("^=@").split(LOOKUP_SEP):
        if part in _PERSONAL_FIELDS.get(model, ()):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class PersonalDataAdminMixin:
    """For the admin of a model with personal fields (``personal_fields``).

    Those fields are never looked up from the URL (``?mobile__startswith=…`` answers 400, as
    Django answers any refused lookup), never searched (``?q=`` ignores them), filtered, used in
    the date hierarchy or sorted on, in this admin or through a relation from another admin of
    this kind. Show them through masked read-only displays (``mask_phone``, ``mask_name``);
    ``manage.py check`` refuses one listed raw in ``list_display``, ``fields`` or ``fieldsets``.
    """

    personal_fields: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        _PERSONAL_FIELDS[model] = _PERSONAL_FIELDS.get(model, frozenset()) | frozenset(self.personal_fields)

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        if touches_personal_data(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        return [name for name in super().get_search_fields(request) if not touches_personal_data(self.model, name)]

    def get_list_filter(self, request):
        return [
            item
            for item in super().get_list_filter(request)
            if not (isinstance(item, str | tuple) and touches_personal_data(self.model, _filter_path(item)))
        ]

    def get_sortable_by(self, request):
        return [name for name in super().get_sortable_by(request) if not _is_personal(self.model, name)]

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        shown = [*self.list_display, *(self.fields or ())]
        for _name, options in self.fieldsets or ():
            shown.extend(_flatten(options.get("fields", ())))
        raw = sorted({name for name in shown if isinstance(name, str) and name in self.personal_fields})
        if self.date_hierarchy and touches_personal_data(self.model, self.date_hierarchy):
            raw.append(self.date_hierarchy)
        errors.extend(
            checks.Error(
                f"The personal field '{name}' of {self.model._meta.label} is shown or filtered unmasked.",
                hint="Show it through a masked read-only display.",
                obj=self.__class__,
                id="core.E101",
            )
            for name in raw
        )
        return errors


def _filter_path(item) -> str:
    return item[0] if isinstance(item, tuple) else item


def _is_personal(model: type, name) -> bool:
    return isinstance(name, str) and touches_personal_data(model, name)


def _flatten(fields):
    for item in fields:
        if isinstance(item, list | tuple):
            yield from item
        else:
            yield item


class PersonalDataAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose ``personal_fields`` are masked and never looked up (see the mixin)."""
