"""Django admin of users, and of the addresses Oscar keeps for them: personal data masked.

Mobile and address phone numbers are shown masked and never looked up, searched or filtered
(``core.personal_data``). Oscar's address admins are registered again here with that rule.
"""

# Oscar's admins register on import; importing them first lets them be replaced or corrected below.
import oscar.apps.address.admin as oscar_address_admin
import oscar.apps.analytics.admin  # noqa: F401
import oscar.apps.communication.admin  # noqa: F401
import oscar.apps.customer.admin  # noqa: F401
import oscar.apps.order.admin as oscar_order_admin
import oscar.apps.wishlists.admin  # noqa: F401
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from core.personal_data import PersonalDataAdminMixin, mask_phone

from .forms import UserChangeForm, UserCreationForm
from .models import User

UserAddress = get_model("address", "UserAddress")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line2", "line3", "line4", "postcode", "search_text")


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, DjangoUserAdmin):
    personal_fields = ("mobile",)
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "masked_mobile", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "preferred_language")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("masked_mobile",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "masked_mobile", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj: User) -> str:
        return mask_phone(obj.mobile)


class AddressAdminMixin(PersonalDataAdminMixin):
    """Addresses of buyers: no lookup or search on names, lines or phone; the phone shown masked."""

    personal_fields = (*ADDRESS_FIELDS, "phone_number")
    has_phone = True

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or ())
        return [*excluded, "phone_number"] if self.has_phone else excluded

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "masked_phone_number"] if self.has_phone else readonly

    @admin.display(description=_("phone number"))
    def masked_phone_number(self, obj) -> str:
        return mask_phone(obj.phone_number)


class UserAddressAdmin(AddressAdminMixin, oscar_address_admin.UserAddressAdmin):
    search_fields = ("user__email",)  # Oscar's also name user__username, which our user model has not


class ShippingAddressAdmin(AddressAdminMixin, oscar_order_admin.ShippingAddressAdmin):
    pass


class BillingAddressAdmin(AddressAdminMixin, oscar_order_admin.BillingAddressAdmin):
    personal_fields = ADDRESS_FIELDS
    has_phone = False


for model, model_admin in (
    (UserAddress, UserAddressAdmin),
    (ShippingAddress, ShippingAddressAdmin),
    (BillingAddress, BillingAddressAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)


# Oscar's admins search on ``user__username`` (``owner__username``), which our user model (e-mail
# login) has not: any search there would be a 500. They keep every other field.
for model_admin in admin.site._registry.values():
    fields = tuple(model_admin.search_fields or ())
    if any(field.endswith("__username") for field in fields):
        model_admin.search_fields = tuple(field for field in fields if not field.endswith("__username"))
