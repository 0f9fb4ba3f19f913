"""Django admin of job applications for platform staff: read-only, names and numbers masked.

A full number is shown only through the "show number" button of /labor/applications/, which
logs the access; the admin never displays it, never filters or searches on it (so it cannot be
guessed digit by digit either), and changes go through the services.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataAdmin, mask_name
from labor.models import JobApplication, PhoneAccess


class ReadOnlyAdmin(PersonalDataAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin):
    personal_fields = ("name", "mobile")
    list_display = (
        "reference",
        "post",
        "masked_name_display",
        "masked_mobile_display",
        "home_county",
        "poverty_alleviated",
        "low_income",
        "status",
        "created_at",
        "anonymised_at",
    )
    list_filter = ("status", "poverty_alleviated", "low_income", "home_county")
    search_fields = ("reference", "post__title")
    list_select_related = ("post", "home_county")
    date_hierarchy = "created_at"
    fields = (
        "reference",
        "post",
        "masked_name_display",
        "masked_mobile_display",
        "home_county",
        "poverty_alleviated",
        "low_income",
        "consent_version",
        "consented_at",
        "language",
        "status",
        "contacted_at",
        "hired_at",
        "retained_at",
        "not_suitable_at",
        "created_at",
        "updated_at",
        "anonymised_at",
    )
    readonly_fields = fields

    @admin.display(description=_("name"))
    def masked_name_display(self, obj: JobApplication) -> str:
        return mask_name(obj.name)

    @admin.display(description=_("mobile number"))
    def masked_mobile_display(self, obj: JobApplication) -> str:
        return obj.masked_mobile


@admin.register(PhoneAccess)
class PhoneAccessAdmin(ReadOnlyAdmin):
    # The log itself holds no number; this admin may not reach one through its application either.
    list_display = ("created_at", "reference", "viewer_email", "action")
    list_filter = ("action",)
    search_fields = ("reference", "viewer_email")
    date_hierarchy = "created_at"
    fields = ("reference", "application", "actor", "viewer_email", "action", "note", "created_at")
    readonly_fields = fields
