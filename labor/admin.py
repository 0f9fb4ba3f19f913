"""Django admin of job applications for platform staff: read-only, numbers masked.

A full number is shown only through the "show number" button of /labor/applications/, which
logs the access; the admin never displays it, and changes go through the services.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from labor.models import JobApplication, PhoneAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "post",
        "name",
        "masked_mobile_display",
        "home_county",
        "poverty_alleviated",
        "status",
        "created_at",
        "anonymised_at",
    )
    list_filter = ("status", "poverty_alleviated", "home_county")
    search_fields = ("reference", "name", "post__title")
    list_select_related = ("post", "home_county")
    date_hierarchy = "created_at"
    fields = (
        "reference",
        "post",
        "name",
        "masked_mobile_display",
        "home_county",
        "poverty_alleviated",
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

    @admin.display(description=_("mobile number"))
    def masked_mobile_display(self, obj: JobApplication) -> str:
        return obj.masked_mobile


@admin.register(PhoneAccess)
class PhoneAccessAdmin(ReadOnlyAdmin):
    list_display = ("accessed_at", "reference", "viewer_email", "method")
    list_filter = ("method",)
    search_fields = ("reference", "viewer_email")
    date_hierarchy = "accessed_at"
    fields = ("reference", "application", "viewer", "viewer_email", "method", "accessed_at")
    readonly_fields = fields
